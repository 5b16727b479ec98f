/**
 * The plan engine (no argument parsing, no output): run `terraform init`, `plan -out` and `show -json` in a
 * synthesized stack directory, and judge the plan from resource_changes[].change.actions (not
 * -detailed-exitcode: a plan holding only `moved` blocks exits 2 while changing nothing). Values are never
 * printed: only addresses and attribute names (the plan carries sensitive values in clear).
 * Fails closed: a `show -json` it can't read (empty, malformed, wrong shape, too deep, errored) is an
 * error, never "No changes". The plan file lives in a private (0700) directory, is created 0600, and is
 * removed after use. Every terraform run has a deadline (io/exec: the process group is killed).
 * Adoption: imports that change nothing are listed apart; an import that would also change or replace
 * the object is a change; a planned delete of a live authentik object is refused (destroysAdopted).
 *
 * Longer than 300 lines because the judge's cases (updates, helm values text, imports, adopted deletes)
 * and the terraform runs share the plan's types; splitting them would scatter one contract.
 */
import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { parse } from "yaml";
import { EnvironmentError, InputError } from "../lib/errors";
import { parseJsonObject } from "../lib/json-input";
import { ExecError, run } from "../io/exec";
import { createPrivateFile, withPrivateDir } from "../io/fs";

/** `other`: actions this engine doesn't know (e.g. a newer terraform's): counted as a change, never ignored. */
export type ChangeKind = "create" | "update" | "delete" | "replace" | "helm-values-text" | "other";

export interface PlannedChange {
  readonly address: string;
  readonly kind: ChangeKind;
  /** For updates: the top-level attributes (and nested paths) whose values differ. */
  readonly attributes: string[];
  /** Set when the resource also moves. */
  readonly previousAddress?: string;
  /** A sentence for the operator about this kind of change. */
  readonly note?: string;
  /** Set when the resource is also imported (adopted): the import would change the live object. */
  readonly importing?: string;
}

export interface PlanVerdict {
  readonly changes: PlannedChange[];
  /** Moves that change nothing else (state continuity at work; not a change). */
  readonly moves: Array<{ from: string; to: string }>;
  /** Output values that change (not resource changes; listed for information). */
  readonly outputChanges: string[];
  /** Imports that adopt a live object unchanged (not a change: the object stays as it is). */
  readonly imports: Array<{ address: string; id: string }>;
  /** Planned deletes (delete or replace) of live authentik objects: adopted objects must never be destroyed. */
  readonly destroysAdopted: string[];
  readonly noChanges: boolean;
}

const IMPORT_NOTE =
  "an import that also changes the object: the configuration does not match the live object, and applying it " +
  "would rewrite (or, for a replace, destroy and recreate) what it was meant to adopt. Fix the configuration " +
  "until the import shows no other change, or adopt it unchanged first (`authentik-stack deploy --import-only`) " +
  "and review the change in the next deploy.";
const ADOPTED_NOTE = "destroys a live authentik object (adopted, or managed in authentik): refused; nothing of the identity layer may be deleted by a plan.";

/** goauthentik resources are live objects in authentik: a planned delete of one is never routine. */
function isAdoptedType(type: unknown): boolean {
  return typeof type === "string" && type.startsWith("authentik_");
}

const HELM_NOTE =
  "the values text differs but parses to the same values: it looks cosmetic, yet applying it runs `helm upgrade`, " +
  "whose three-way merge reverts out-of-band changes (e.g. an image tag bumped by an updater). Avoid it: make the values " +
  "file byte-identical to the deployed text (README, Migrating), or apply it deliberately after checking for out-of-band changes.";

function kindOf(actions: readonly string[]): ChangeKind | undefined {
  const a = [...actions].sort().join(",");
  if (a === "no-op" || a === "read") return undefined;
  if (a === "create") return "create";
  if (a === "delete") return "delete";
  if (a === "update") return "update";
  if (a === "create,delete") return "replace";
  return "other";
}

/** Paths (depth-limited) where two values differ; unknown-after values count as differing. */
export function differingPaths(before: unknown, after: unknown, unknown: unknown, prefix = "", depth = 3, loose = true): string[] {
  if (unknown === true) return [prefix || "(root)"];
  if (isDeepStrictEqual(before, after) && !containsTrue(unknown)) return [];
  // SDKv2 providers can't tell unset from empty: null, "", {} and [] are the same value to them
  if (loose && isEmpty(before) && isEmpty(after) && !containsTrue(unknown)) return [];
  const isObj = (v: unknown) => v !== null && typeof v === "object";
  if (depth === 0 || !isObj(before) || !isObj(after) || Array.isArray(before) !== Array.isArray(after)) return [prefix || "(root)"];
  const keys = new Set([...Object.keys(before as object), ...Object.keys(after as object)]);
  const out: string[] = [];
  for (const k of keys) {
    const p = Array.isArray(before) ? `${prefix}[${k}]` : prefix ? `${prefix}.${k}` : k;
    out.push(...differingPaths((before as any)[k], (after as any)[k], isObj(unknown) ? (unknown as any)[k] : undefined, p, depth - 1, loose));
  }
  return out;
}

/** Whether the after_unknown structure marks a path (as produced by differingPaths) unknown. */
function isUnknownAt(unknown: unknown, p: string): boolean {
  let cur: any = unknown;
  for (const seg of p.replace(/\[(\d+)\]/g, ".$1").split(".").filter(Boolean)) {
    if (cur === true) return true;
    if (!cur || typeof cur !== "object") return false;
    cur = cur[seg];
  }
  return cur === true;
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === "" || (Array.isArray(v) ? v.length === 0 : typeof v === "object" && Object.keys(v as object).length === 0);
}

function containsTrue(v: unknown): boolean {
  if (v === true) return true;
  if (v && typeof v === "object") return Object.values(v).some(containsTrue);
  return false;
}

/** Same values, different text? (helm_release.values) */
function valuesTextOnly(before: any, after: any): boolean {
  const b = before?.values;
  const a = after?.values;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length || isDeepStrictEqual(a, b)) return false;
  try {
    return a.every((t: string, i: number) => isDeepStrictEqual(parse(t), parse(b[i])));
  } catch {
    return false;
  }
}

/** Why a `terraform show -json` document can't be judged; the message never quotes plan values. */
export class PlanReadError extends EnvironmentError {
  constructor(what: string, problem: string) {
    super(`${what}: ${problem}; allowed: the JSON plan of terraform >= 1.0 (format_version, resource_changes[] with address and change.actions[]). Fix: rerun; check \`terraform version\` and that TERRAFORM_BINARY_NAME points at terraform or OpenTofu`);
    this.name = "PlanReadError";
  }
}

const isObj = (v: unknown): v is Record<string, any> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Checks the shape judgePlan reads; throws PlanReadError naming the first field that is wrong. */
export function assertPlanShape(plan: unknown, what = "terraform show -json"): asserts plan is Record<string, any> {
  if (!isObj(plan)) throw new PlanReadError(what, `${plan === null ? "null" : Array.isArray(plan) ? "an array" : `a ${typeof plan}`} where the plan object belongs`);
  if (typeof plan.format_version !== "string") throw new PlanReadError(what, "no format_version (not a terraform plan)");
  if (plan.errored === true) throw new PlanReadError(what, "the plan is marked errored (terraform could not finish planning)");
  if (!Array.isArray(plan.resource_changes)) throw new PlanReadError(what, `resource_changes is ${plan.resource_changes === undefined ? "missing" : "not an array"} (this stack always has resources)`);
  plan.resource_changes.forEach((rc: unknown, i: number) => {
    const at = `resource_changes[${i}]`;
    if (!isObj(rc)) throw new PlanReadError(what, `${at} is not an object`);
    if (typeof rc.address !== "string" || !rc.address) throw new PlanReadError(what, `${at}.address is not a string`);
    if (rc.mode !== undefined && typeof rc.mode !== "string") throw new PlanReadError(what, `${at}.mode is not a string`);
    if (!isObj(rc.change)) throw new PlanReadError(what, `${at} (${rc.address}).change is not an object`);
    const actions = rc.change.actions;
    if (!Array.isArray(actions) || actions.length === 0 || !actions.every((a: unknown) => typeof a === "string")) {
      throw new PlanReadError(what, `${at} (${rc.address}).change.actions is not a non-empty list of strings`);
    }
    if (rc.previous_address !== undefined && typeof rc.previous_address !== "string") throw new PlanReadError(what, `${at}.previous_address is not a string`);
  });
  if (plan.output_changes !== undefined) {
    if (!isObj(plan.output_changes)) throw new PlanReadError(what, "output_changes is not an object");
    for (const [k, c] of Object.entries(plan.output_changes)) {
      if (!isObj(c) || !Array.isArray(c.actions) || !c.actions.every((a: unknown) => typeof a === "string")) throw new PlanReadError(what, `output_changes.${k}.actions is not a list of strings`);
    }
  }
}

/** Judges a `terraform show -json` plan; throws PlanReadError when it can't be read (fails closed). */
export function judgePlan(plan: unknown): PlanVerdict {
  assertPlanShape(plan);
  const changes: PlannedChange[] = [];
  const moves: Array<{ from: string; to: string }> = [];
  const imports: Array<{ address: string; id: string }> = [];
  const destroysAdopted: string[] = [];
  for (const rc of plan.resource_changes) {
    if (rc.mode === "data") continue;
    const kind = kindOf(rc.change?.actions ?? []);
    const moved = rc.previous_address && rc.previous_address !== rc.address ? rc.previous_address : undefined;
    const importing = rc.change?.importing ? String(rc.change.importing.id ?? "") : undefined;
    if (!kind) {
      if (moved) moves.push({ from: moved, to: rc.address });
      if (importing !== undefined) imports.push({ address: rc.address, id: importing });
      continue;
    }
    if ((kind === "delete" || kind === "replace") && isAdoptedType(rc.type)) destroysAdopted.push(rc.address);
    if (importing !== undefined) {
      const attributes = kind === "update" || kind === "replace" ? differingPaths(rc.change.before, rc.change.after, undefined, "", 3, false) : [`actions ${rc.change.actions.join("+")}`];
      changes.push({ address: rc.address, kind, attributes, previousAddress: moved, importing, note: IMPORT_NOTE });
      continue;
    }
    if (kind === "update") {
      // Known differences name what the config changes; values only unknown after the plan are the
      // provider recomputing (resource_version, labels...) and are listed only when nothing else differs.
      const known = differingPaths(rc.change.before, rc.change.after, undefined).filter((p) => !isUnknownAt(rc.change.after_unknown, p));
      let attrs = known.length ? known : differingPaths(rc.change.before, rc.change.after, rc.change.after_unknown);
      // terraform plans an update all the same: name what differs, even unset vs empty
      if (!attrs.length) attrs = differingPaths(rc.change.before, rc.change.after, undefined, "", 3, false);
      const sens = differingPaths(rc.change.before_sensitive, rc.change.after_sensitive, undefined).filter((p) => !attrs.includes(p));
      const attributes = [...attrs, ...sens.map((p) => `${p} (sensitivity)`)];
      if (rc.type === "helm_release" && attrs.length === 1 && attrs[0].startsWith("values") && valuesTextOnly(rc.change.before, rc.change.after)) {
        changes.push({ address: rc.address, kind: "helm-values-text", attributes, previousAddress: moved, note: HELM_NOTE });
        continue;
      }
      changes.push({ address: rc.address, kind, attributes, previousAddress: moved });
    } else {
      changes.push({ address: rc.address, kind, attributes: kind === "other" ? [`actions ${rc.change.actions.join("+")}`] : [], previousAddress: moved });
    }
  }
  const outputChanges = Object.entries(plan.output_changes ?? {})
    .filter(([, c]: [string, any]) => kindOf(c.actions ?? []) !== undefined)
    .map(([k]) => k);
  return { changes, moves, outputChanges, imports, destroysAdopted, noChanges: changes.length === 0 };
}

/** Human-readable verdict, one line per change. */
export function formatVerdict(v: PlanVerdict): string[] {
  if (v.noChanges) {
    const lines = ["No changes: the stack plans to zero resource changes."];
    if (v.imports.length) lines.push(`${v.imports.length} live object(s) are adopted unchanged (import blocks; apply them, then empty the adoption file): ${v.imports.map((i) => i.address).join(", ")}`);
    if (v.moves.length) lines.push(`${v.moves.length} resource(s) move to new addresses with no other change (moved blocks): ${v.moves.map((m) => `${m.from} -> ${m.to}`).join("; ")}`);
    if (v.outputChanges.length) lines.push(`Outputs that change (no infrastructure change): ${v.outputChanges.join(", ")}`);
    return lines;
  }
  const lines = [`${v.changes.length} resource change(s):`];
  if (v.destroysAdopted.length) lines.unshift(`REFUSED: the plan destroys ${v.destroysAdopted.length} live authentik object(s): ${v.destroysAdopted.join(", ")}. ${ADOPTED_NOTE.split(": ")[1]}`);
  for (const c of v.changes) {
    const base = c.kind === "helm-values-text" ? "update (values text only)" : c.kind === "other" ? "unknown" : c.kind;
    const what = c.importing !== undefined ? `import+${base}` : base;
    lines.push(`  ${what.padEnd(9)} ${c.address}${c.previousAddress ? ` (moved from ${c.previousAddress})` : ""}${c.attributes.length ? `: ${c.attributes.join(", ")}` : ""}`);
    if (c.note) lines.push(`            ${c.note}`);
  }
  if (v.moves.length) lines.push(`moves without other changes: ${v.moves.map((m) => `${m.from} -> ${m.to}`).join("; ")}`);
  return lines;
}

/** A terraform step that failed (exit status or deadline): the CLI reports it as "could not run" (3). */
export class TerraformError extends EnvironmentError {
  constructor(
    readonly step: string,
    readonly detail: string,
  ) {
    super(`terraform ${step} failed: ${detail}`);
    this.name = "TerraformError";
  }
}

/** Deadlines of the terraform steps, in seconds. */
export interface TerraformDeadlines {
  /** @default 600 (provider downloads) */
  readonly initSeconds?: number;
  /** @default 1800 (reads Vault and the cluster) */
  readonly planSeconds?: number;
  /** @default 300 */
  readonly showSeconds?: number;
  /** @default 3600 (a Helm release upgrade waits for its pods; the chart's own timeout is 6000 s) */
  readonly applySeconds?: number;
}

export interface TerraformRun {
  /** The synthesized stack directory. */
  readonly dir: string;
  /** terraform binary. @default $TERRAFORM_BINARY_NAME or "terraform" */
  readonly terraform?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Extra plan arguments (e.g. -refresh=false, -var ...). */
  readonly planArgs?: readonly string[];
  /** Progress lines (one at least every 10 s while terraform runs). */
  readonly onProgress?: (line: string) => void;
  /** @default - see TerraformDeadlines */
  readonly deadlines?: TerraformDeadlines;
  /**
   * Where `plan -out` writes the plan, kept for `applyPlan`: the caller owns it (put it in a
   * withPrivateDir folder); it is created 0600 here if it doesn't exist.
   * @default - a 0600 file in a private folder, removed when planStack returns
   */
  readonly planFile?: string;
}

async function terraform(bin: string, args: readonly string[], r: TerraformRun, step: string, timeoutSeconds: number): Promise<string> {
  let res;
  try {
    res = await run(bin, args, {
      cwd: r.dir,
      env: { ...(r.env ?? process.env), TF_IN_AUTOMATION: "1" },
      timeoutMs: timeoutSeconds * 1000,
      label: `terraform ${step}`,
      onProgress: r.onProgress ? (s) => r.onProgress!(`terraform ${step}: ${s}s…`) : undefined,
    });
  } catch (e) {
    if (e instanceof ExecError) throw new TerraformError(step, e.reason === "not-found" ? `'${bin}' not found on PATH (install terraform >= 1.5 or OpenTofu, or set TERRAFORM_BINARY_NAME)` : e.message);
    throw e;
  }
  if (res.code === 0) return res.stdout;
  const msg = (res.stderr || res.stdout).replace(/\x1b\[[0-9;]*m/g, "");
  const first = msg.split("\n").map((l) => l.replace(/^[│╷╵\s]+/, "").trim()).filter((l) => l.startsWith("Error:"));
  throw new TerraformError(step, (first.length ? first.join(" / ") : msg.trim().split("\n").slice(-3).join(" ") || `exit ${res.code ?? res.signal}`).slice(0, 600));
}

/**
 * init + plan -out + show -json; returns the verdict and the raw plan. The plan file is created 0600 in a
 * private directory (it holds every secret in clear) and removed when done, whatever happens.
 */
export async function planStack(r: TerraformRun): Promise<{ verdict: PlanVerdict; plan: any }> {
  const bin = r.terraform ?? process.env.TERRAFORM_BINARY_NAME ?? "terraform";
  const d = r.deadlines ?? {};
  r.onProgress?.(`terraform init in ${r.dir}`);
  await terraform(bin, ["init", "-input=false", "-no-color"], r, "init", d.initSeconds ?? 600);
  const planAndShow = async (planFile: string) => {
    r.onProgress?.("terraform plan (reads Vault and the cluster; can take minutes)");
    await terraform(bin, ["plan", "-input=false", "-no-color", "-lock-timeout=60s", `-out=${planFile}`, ...(r.planArgs ?? [])], r, "plan", d.planSeconds ?? 1800);
    r.onProgress?.("terraform show -json");
    const text = await terraform(bin, ["show", "-json", planFile], r, "show", d.showSeconds ?? 300);
    let plan: Record<string, unknown>;
    try {
      plan = parseJsonObject(text, "terraform show -json", undefined, { secret: true });
    } catch (e) {
      if (e instanceof InputError) throw new PlanReadError("terraform show -json", e.message.replace(/^terraform show -json: /, ""));
      throw e;
    }
    return { verdict: judgePlan(plan), plan };
  };
  if (r.planFile) {
    const file = path.resolve(r.dir, r.planFile);
    if (!fs.existsSync(file)) createPrivateFile(file);
    return planAndShow(file);
  }
  return withPrivateDir("authentik-stack-plan", (dir) => planAndShow(createPrivateFile(path.join(dir, "plan.tfplan"))));
}

/** Applies exactly a saved plan (`terraform apply <planFile>`: no re-plan, no prompt; stale plans are refused by terraform). */
export async function applyPlan(r: TerraformRun & { readonly planFile: string }): Promise<void> {
  const bin = r.terraform ?? process.env.TERRAFORM_BINARY_NAME ?? "terraform";
  r.onProgress?.("terraform apply of the saved plan");
  await terraform(bin, ["apply", "-input=false", "-no-color", "-lock-timeout=60s", r.planFile], r, "apply", r.deadlines?.applySeconds ?? 3600);
}

/**
 * `terraform import ADDRESS ID`: the provider reads the live object and the state records it as it is;
 * nothing live changes. Terraform refuses an address already in the state.
 */
export async function importResource(r: TerraformRun & { readonly address: string; readonly id: string; readonly varArgs?: readonly string[] }): Promise<void> {
  const bin = r.terraform ?? process.env.TERRAFORM_BINARY_NAME ?? "terraform";
  await terraform(bin, ["import", "-input=false", "-no-color", "-lock-timeout=60s", ...(r.varArgs ?? []), r.address, r.id], r, `import ${r.address}`, r.deadlines?.planSeconds ?? 1800);
}

