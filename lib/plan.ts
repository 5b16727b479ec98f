/**
 * plan-to-zero: run `terraform init`, `plan -out` and `show -json` in a synthesized stack directory, and
 * judge the plan from resource_changes[].change.actions (not -detailed-exitcode: a plan holding only
 * `moved` blocks exits 2 while changing nothing). Values are never printed: only addresses and
 * attribute names (the plan carries sensitive values in clear).
 */
import { spawn } from "child_process";
import { isDeepStrictEqual } from "util";
import { parse } from "yaml";

export type ChangeKind = "create" | "update" | "delete" | "replace" | "helm-values-text";

export interface PlannedChange {
  readonly address: string;
  readonly kind: ChangeKind;
  /** For updates: the top-level attributes (and nested paths) whose values differ. */
  readonly attributes: string[];
  /** Set when the resource also moves. */
  readonly previousAddress?: string;
  /** A sentence for the operator about this kind of change. */
  readonly note?: string;
}

export interface PlanVerdict {
  readonly changes: PlannedChange[];
  /** Moves that change nothing else (state continuity at work; not a change). */
  readonly moves: Array<{ from: string; to: string }>;
  /** Output values that change (not resource changes; listed for information). */
  readonly outputChanges: string[];
  readonly noChanges: boolean;
}

const HELM_NOTE =
  "the values text differs but parses to the same values: it looks cosmetic, yet applying it runs `helm upgrade`, " +
  "whose three-way merge reverts out-of-band changes (e.g. an image tag bumped by an updater). Avoid it: make the values " +
  "file byte-identical to the deployed text (README, Migrating), or apply it deliberately after checking for out-of-band changes.";

function kindOf(actions: readonly string[]): ChangeKind | undefined {
  const a = [...actions].sort().join(",");
  if (a === "no-op" || a === "read" || a === "") return undefined;
  if (a === "create") return "create";
  if (a === "delete") return "delete";
  if (a === "update") return "update";
  if (a === "create,delete") return "replace";
  return "update";
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

export function judgePlan(plan: any): PlanVerdict {
  const changes: PlannedChange[] = [];
  const moves: Array<{ from: string; to: string }> = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === "data") continue;
    const kind = kindOf(rc.change?.actions ?? []);
    const moved = rc.previous_address && rc.previous_address !== rc.address ? rc.previous_address : undefined;
    if (!kind) {
      if (moved) moves.push({ from: moved, to: rc.address });
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
      changes.push({ address: rc.address, kind, attributes: [], previousAddress: moved });
    }
  }
  const outputChanges = Object.entries(plan.output_changes ?? {})
    .filter(([, c]: [string, any]) => kindOf(c.actions ?? []) !== undefined)
    .map(([k]) => k);
  return { changes, moves, outputChanges, noChanges: changes.length === 0 };
}

/** Human-readable verdict, one line per change. */
export function formatVerdict(v: PlanVerdict): string[] {
  if (v.noChanges) {
    const lines = ["No changes: the stack plans to zero resource changes."];
    if (v.moves.length) lines.push(`${v.moves.length} resource(s) move to new addresses with no other change (moved blocks): ${v.moves.map((m) => `${m.from} -> ${m.to}`).join("; ")}`);
    if (v.outputChanges.length) lines.push(`Outputs that change (no infrastructure change): ${v.outputChanges.join(", ")}`);
    return lines;
  }
  const lines = [`${v.changes.length} resource change(s):`];
  for (const c of v.changes) {
    const what = c.kind === "helm-values-text" ? "update (values text only)" : c.kind;
    lines.push(`  ${what.padEnd(9)} ${c.address}${c.previousAddress ? ` (moved from ${c.previousAddress})` : ""}${c.attributes.length ? `: ${c.attributes.join(", ")}` : ""}`);
    if (c.note) lines.push(`            ${c.note}`);
  }
  if (v.moves.length) lines.push(`moves without other changes: ${v.moves.map((m) => `${m.from} -> ${m.to}`).join("; ")}`);
  return lines;
}

export class TerraformError extends Error {
  constructor(readonly step: string, readonly detail: string) {
    super(`terraform ${step} failed: ${detail}`);
  }
}

export interface TerraformRun {
  /** The synthesized stack directory. */
  readonly dir: string;
  /** terraform binary. @default $TERRAFORM_BINARY_NAME or "terraform" */
  readonly terraform?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Extra plan arguments (e.g. -refresh=false, -var ...). */
  readonly planArgs?: readonly string[];
  /** Progress lines. */
  readonly onProgress?: (line: string) => void;
  /** Where `plan -out` writes the plan (kept for `applyPlan`). @default "plan-to-zero.tfplan" in dir */
  readonly planFile?: string;
}

function run(bin: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, onProgress?: (l: string) => void, step = args[0]): Promise<string> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(bin, args as string[], { cwd, env: { ...env, TF_IN_AUTOMATION: "1" } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const tick = onProgress ? setInterval(() => onProgress(`terraform ${step}: ${Math.round((Date.now() - started) / 1000)}s…`), 10000) : undefined;
    child.on("error", (e) => {
      if (tick) clearInterval(tick);
      reject(new TerraformError(step, (e as NodeJS.ErrnoException).code === "ENOENT" ? `'${bin}' not found on PATH` : e.message));
    });
    child.on("close", (code) => {
      if (tick) clearInterval(tick);
      if (code === 0) resolve(out);
      else {
        const msg = (err || out).replace(/\x1b\[[0-9;]*m/g, "");
        const first = msg.split("\n").map((l) => l.replace(/^[│╷╵\s]+/, "").trim()).filter((l) => l.startsWith("Error:"));
        reject(new TerraformError(step, (first.length ? first.join(" / ") : msg.trim().split("\n").slice(-3).join(" ")).slice(0, 600)));
      }
    });
  });
}

/** init + plan -out + show -json; returns the verdict and the raw plan. */
export async function planStack(r: TerraformRun): Promise<{ verdict: PlanVerdict; plan: any }> {
  const bin = r.terraform ?? process.env.TERRAFORM_BINARY_NAME ?? "terraform";
  const env = r.env ?? process.env;
  r.onProgress?.(`terraform init in ${r.dir}`);
  await run(bin, ["init", "-input=false", "-no-color"], r.dir, env, r.onProgress);
  r.onProgress?.("terraform plan (reads Vault and the cluster; can take minutes)");
  const planFile = r.planFile ?? "plan-to-zero.tfplan";
  await run(bin, ["plan", "-input=false", "-no-color", "-lock-timeout=60s", `-out=${planFile}`, ...(r.planArgs ?? [])], r.dir, env, r.onProgress);
  r.onProgress?.("terraform show -json");
  const json = await run(bin, ["show", "-json", planFile], r.dir, env, r.onProgress, "show");
  const plan = JSON.parse(json);
  return { verdict: judgePlan(plan), plan };
}

/** Applies exactly a saved plan (`terraform apply <planFile>`: no re-plan, no prompt; stale plans are refused by terraform). */
export async function applyPlan(r: TerraformRun & { readonly planFile: string }): Promise<void> {
  const bin = r.terraform ?? process.env.TERRAFORM_BINARY_NAME ?? "terraform";
  r.onProgress?.("terraform apply of the saved plan");
  await run(bin, ["apply", "-input=false", "-no-color", "-lock-timeout=60s", r.planFile], r.dir, r.env ?? process.env, r.onProgress, "apply");
}
