/**
 * `deploy` as an engine (no argument parsing, no output formatting): guards -> synth -> plan saved
 * privately -> facts -> policy -> summary -> confirmation -> apply exactly the saved plan ->
 * verify-upgrade. Every step reports progress; the plan file (it holds the Vault values in clear) lives in
 * a 0700 temporary folder, is 0600 itself, and is removed whatever happens.
 */
import * as path from "path";
import { DeepPartial, StackConfig } from "../config";
import { applyPlan, formatVerdict, importResource, judgePlan, planStack, PlanVerdict, TerraformError } from "./plan";
import { StepResult, verifyUpgrade } from "./verify";
import { Acknowledgement, GuardReport, formatFinding, runGuards } from "../guards/registry";
import { chartVersionsIn, loadGuardInputs } from "../guards/inputs";
import { readAcknowledgements } from "../guards/acknowledgements";
import { StackJson } from "../guards/types";
import { buildApp } from "../app";
import { pathText, PolicyAcknowledgement, PolicyFacts, PolicyReport, runPolicy } from "../policy";
import { gatherFacts } from "./deploy-facts";
import { packageRoot } from "../config/paths";
import { createPrivateFile, withPrivateDir } from "../io/fs";
import { InputError } from "../lib/errors";

export type DeployOutcome =
  | "applied" // applied and verified
  | "no-changes" // nothing to apply; verified
  | "dry-run" // stopped after the policy, which passed
  | "guard-errors" // the guards refused the stack
  | "refused" // the policy refused the plan
  | "declined" // the operator said no
  | "verify-failed" // applied (or nothing to apply), but verify-upgrade did not pass
  | "imported" // --import-only: the plan's imports were written to the state; nothing live changed
  | "nothing-to-import"; // --import-only: the plan imports nothing

export interface ImportSummary {
  readonly address: string;
  readonly id?: string;
  /** What else the import does (no-op, update, replace). */
  readonly action: string;
}

export interface DeploySummary {
  readonly verdict: PlanVerdict;
  readonly imports: ImportSummary[];
  /** For each replace: the attributes that force it (terraform's replace_paths), by address. */
  readonly replaceForcedBy: Readonly<Record<string, string[]>>;
}

export interface DeployResult {
  readonly outcome: DeployOutcome;
  readonly guards: Pick<GuardReport, "errors" | "warnings" | "acknowledged"> & { readonly errorLines: string[] };
  readonly summary?: DeploySummary;
  readonly policy?: PolicyReport;
  readonly verify?: StepResult[];
  /** Seconds per step, in order. */
  readonly timings: Array<{ step: string; seconds: number }>;
}

export interface DeployOptions {
  readonly config: StackConfig;
  /** Config overrides the app is built from (the operator's override file). */
  readonly overrides: DeepPartial<StackConfig>;
  /** Where cdktf.out goes. @default "cdktf.out" */
  readonly outdir?: string;
  readonly dryRun?: boolean;
  /**
   * Adopt first: write the plan's imports into the state with `terraform import` (reads the live objects,
   * changes none of them) and stop; what the configuration would change in them is left for the next
   * deploy, which the policy judges as updates (PL005's fix). No policy run, no apply, no verify.
   * @default false
   */
  readonly importOnly?: boolean;
  /** Asked before `--import-only` imports; resolve true to import. @default - the same as `confirm` would be asked */
  readonly confirmImports?: (imports: readonly ImportSummary[]) => Promise<boolean>;
  /** Guard (AK...) acknowledgements, added to guard-acknowledgements.json's. */
  readonly guardAcks?: readonly Acknowledgement[];
  readonly policyAcks?: readonly PolicyAcknowledgement[];
  readonly allowDestroy?: ReadonlyMap<string, string>;
  /** Asked after the summary when there are changes; resolve true to apply. `planFile` is the private saved plan. */
  readonly confirm: (summary: DeploySummary, policy: PolicyReport, planFile: string) => Promise<boolean>;
  readonly onProgress?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** Extra terraform plan arguments (e.g. -var-file=...). */
  readonly planArgs?: readonly string[];
  /** Facts for the policy. @default - read from the cluster and the chart repository (gatherFacts) */
  readonly facts?: (plan: any) => Promise<PolicyFacts>;
  /** Runs verify-upgrade after apply. @default - the seven steps, step 7 re-planning the synthesized stack */
  readonly verify?: (stackDir: string) => Promise<StepResult[]>;
  /**
   * After an apply the cluster is still settling (authentik's outpost controller rewrites the outpost's
   * Deployment and Service after terraform returns; rollouts follow): steps 1-6 that don't pass are
   * checked again every 10 s for up to this long before the verdict. @default 180
   */
  readonly settleSeconds?: number;
  /**
   * Rehearsal/test hook: called after synth with the stack folder, before terraform runs there (e.g. to
   * add override files); returns extra plan arguments. @default - nothing added
   */
  readonly prepareStackDir?: (stackDir: string, stackJson: StackJson) => readonly string[] | void;
}

/** For each replace, the attributes that force it. */
export function replaceForcedBy(plan: any): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const rc of plan?.resource_changes ?? []) {
    const paths = rc?.change?.replace_paths;
    if (Array.isArray(paths) && paths.length) out[rc.address] = paths.map((p: Array<string | number>) => pathText(p));
  }
  return out;
}

/** The plan's imports (terraform >= 1.5 `change.importing`), listed apart from the changes. */
export function importsOf(plan: any): ImportSummary[] {
  return (plan?.resource_changes ?? [])
    .filter((rc: any) => rc?.change?.importing)
    .map((rc: any) => ({ address: rc.address, id: rc.change.importing.id, action: [...rc.change.actions].sort().join("+") }));
}

export async function deploy(o: DeployOptions): Promise<DeployResult> {
  const progress = o.onProgress ?? (() => undefined);
  const env = o.env ?? process.env;
  const timings: Array<{ step: string; seconds: number }> = [];
  const timed = async <T>(step: string, f: () => Promise<T> | T): Promise<T> => {
    const started = Date.now();
    try {
      return await f();
    } finally {
      timings.push({ step, seconds: Math.round((Date.now() - started) / 100) / 10 });
    }
  };

  // 1. guards, over exactly the JSON synth will write
  progress("guards: building the stack and running AK001...");
  const root = packageRoot();
  const { app, stack } = buildApp(o.outdir ?? "cdktf.out", o.overrides, { guards: false });
  const guardReport = await timed("guards", () => {
    const json = stack.toTerraform() as StackJson;
    return runGuards({ stack: json, config: stack.config, ...loadGuardInputs(root, chartVersionsIn(json)) }, [...(o.guardAcks ?? []), ...readAcknowledgements(root)]);
  });
  const guards = { errors: guardReport.errors, warnings: guardReport.warnings, acknowledged: guardReport.acknowledged, errorLines: guardReport.findings.filter((x) => x.severity === "error").map(formatFinding) };
  if (guardReport.errors) return { outcome: "guard-errors", guards, timings };

  // 2. synth
  progress("synth: writing cdk.tf.json");
  await timed("synth", () => {
    try {
      app.synth();
    } catch (e) {
      if ((e as Error).name === "ConfigError") throw e;
      throw new InputError(`synth failed: ${(e as Error).message.split("\n").map((l) => l.trim()).filter(Boolean).slice(0, 3).join(" ")}. Fix: run \`npx authentik-stack check\` or \`npm run synth\` for the details`);
    }
  });
  const stackDir = path.resolve(o.outdir ?? "cdktf.out", "stacks", stack.node.id);
  const planArgs = [...(o.planArgs ?? []), ...(o.prepareStackDir?.(stackDir, stack.toTerraform() as StackJson) ?? [])];

  // 3-5. plan saved privately (0600 in a 0700 folder, removed whatever happens), facts, policy, confirm, apply
  const planned = await withPrivateDir("authentik-stack-deploy", async (dir) => {
    const planFile = createPrivateFile(path.join(dir, "deploy.tfplan"));
    const { plan } = await timed("plan", () => planStack({ dir: stackDir, env, planArgs, onProgress: progress, planFile }));
    const summary: DeploySummary = { verdict: judgePlan(plan), imports: importsOf(plan), replaceForcedBy: replaceForcedBy(plan) };
    if (o.importOnly) return { done: await importOnly(o, summary, { guards, timings, timed, stackDir, env, planArgs, progress }) };
    progress("policy: reading what runs now (cluster, chart repository) and judging the plan");
    const facts = await timed("facts", () => (o.facts ?? ((p) => gatherFacts(p, { env, timeoutMs: o.config.verify.commandTimeoutSeconds * 1000 })))(plan));
    const policy = await timed("policy", () => runPolicy(plan, facts, { acks: o.policyAcks, allowDestroy: o.allowDestroy }));
    const base = { guards, summary, policy, timings };
    if (policy.refused) return { done: { outcome: "refused" as const, ...base } };
    if (o.dryRun) return { done: { outcome: "dry-run" as const, ...base } };
    if (summary.verdict.noChanges && !summary.imports.length) {
      progress("no changes: nothing to apply");
      return { base };
    }
    if (!(await o.confirm(summary, policy, planFile))) return { done: { outcome: "declined" as const, ...base } };
    // a Helm upgrade waits up to the release's own timeout; the apply may take that and some
    const applySeconds = o.config.release.timeoutSeconds + 600;
    await timed("apply", () => applyPlan({ dir: stackDir, env, planFile, onProgress: progress, deadlines: { applySeconds } }));
    return { base };
  });
  if ("done" in planned) return planned.done!;
  const { base } = planned;

  // 6. verify-upgrade
  progress("verify-upgrade: the seven-step checklist");
  const verify = await timed("verify", () => (o.verify ?? ((d) => defaultVerify(o.config, d, env, progress, planArgs, o.settleSeconds ?? 180)))(stackDir));
  const passed = verify.every((r) => r.verdict === "PASS" || r.verdict === "SKIP");
  return { outcome: passed ? (base.summary.verdict.noChanges ? "no-changes" : "applied") : "verify-failed", ...base, verify };
}

/**
 * `--import-only`: each import of the plan, alone, with `terraform import ADDRESS ID` (the provider reads
 * the live object and the state records it as it is; nothing live changes). Only `-var`/`-var-file`
 * plan arguments apply to an import.
 */
async function importOnly(
  o: DeployOptions,
  summary: DeploySummary,
  r: {
    guards: DeployResult["guards"];
    timings: DeployResult["timings"];
    timed: <T>(step: string, f: () => Promise<T> | T) => Promise<T>;
    stackDir: string;
    env: NodeJS.ProcessEnv;
    planArgs: readonly string[];
    progress: (l: string) => void;
  },
): Promise<DeployResult> {
  const base = { guards: r.guards, summary, timings: r.timings };
  if (!summary.imports.length) {
    r.progress("import-only: the plan imports nothing");
    return { outcome: "nothing-to-import", ...base };
  }
  const noId = summary.imports.filter((i) => typeof i.id !== "string" || !i.id);
  if (noId.length) throw new InputError(`--import-only: ${noId.map((i) => i.address).join(", ")}: the plan gives no import id (only "terraform import ADDRESS ID" imports are supported). Fix: give these imports an id in the adoption file, or run deploy without --import-only`);
  if (o.dryRun) return { outcome: "dry-run", ...base };
  if (!(await (o.confirmImports ?? (() => Promise.resolve(false)))(summary.imports))) return { outcome: "declined", ...base };
  const varArgs = r.planArgs.filter((a) => /^-var(-file)?=/.test(a));
  await r.timed("import", async () => {
    for (const [k, i] of summary.imports.entries()) {
      r.progress(`import ${k + 1}/${summary.imports.length}: ${i.address} (id ${JSON.stringify(i.id)})`);
      await importResource({ dir: r.stackDir, env: r.env, onProgress: r.progress, address: i.address, id: i.id!, varArgs });
    }
  });
  return { outcome: "imported", ...base };
}

/** verify-upgrade with step 7 re-planning the stack just synthesized (not a second synth), after steps 1-6 settle. */
async function defaultVerify(config: StackConfig, stackDir: string, env: NodeJS.ProcessEnv, progress: (l: string) => void, planArgs: readonly string[] | undefined, settleSeconds: number): Promise<StepResult[]> {
  const planToZero = async () => {
    progress("verify step 7: planning again (expect no changes)");
    const { verdict } = await planStack({ dir: stackDir, env, planArgs, onProgress: progress });
    return verdict.noChanges ? [] : formatVerdict(verdict).slice(1).map((l) => l.trim());
  };
  const settled = await verifyUntilSettled({ run: (steps) => verifyUpgrade({ config, env, steps }), steps: [1, 2, 3, 4, 5, 6], settleSeconds, progress });
  const plan = (await verifyUpgrade({ config, env, steps: [7], planToZero })).filter((r) => r.step === 7);
  return [...settled, ...plan];
}

/**
 * Runs the steps, then again every `intervalMs` only those that don't pass (PASS or SKIP), until all do or
 * the next round would end past `settleSeconds`; returns one result per step, in step order (the last
 * seen). Steps the runner returns but wasn't asked for (verifyUpgrade's SKIP "not selected") are ignored.
 */
export async function verifyUntilSettled(o: {
  readonly run: (steps: number[]) => Promise<StepResult[]>;
  readonly steps: readonly number[];
  readonly settleSeconds: number;
  readonly progress: (line: string) => void;
  /** @default 10000 */
  readonly intervalMs?: number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
}): Promise<StepResult[]> {
  const now = o.now ?? Date.now;
  const interval = o.intervalMs ?? 10000;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + o.settleSeconds * 1000;
  const byStep = new Map<number, StepResult>();
  let pending = [...o.steps];
  for (;;) {
    const asked = pending;
    for (const r of await o.run(asked)) if (asked.includes(r.step)) byStep.set(r.step, r);
    pending = asked.filter((s) => byStep.get(s)?.verdict !== "PASS" && byStep.get(s)?.verdict !== "SKIP");
    if (!pending.length || now() + interval > deadline) break;
    const why = pending.map((s) => `${s}: ${byStep.get(s)?.evidence ?? "no result"}`).join("; ");
    o.progress(`verify-upgrade: step(s) ${pending.join(", ")} not passing yet (${why.slice(0, 240)}); the cluster may still be settling, checking again in ${interval / 1000} s (up to ${Math.round((deadline - now()) / 1000)} s more)`);
    await sleep(interval);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

export { TerraformError };
