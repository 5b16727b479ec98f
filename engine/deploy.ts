/**
 * `deploy` as an engine (no argument parsing, no output formatting): guards -> synth -> plan saved
 * privately -> facts -> policy -> summary -> confirmation -> apply exactly the saved plan ->
 * verify-upgrade. Every step reports progress; the plan file (it holds the Vault values in clear) lives in
 * a 0700 temporary folder, is 0600 itself, and is removed whatever happens.
 */
import * as path from "path";
import { DeepPartial, StackConfig } from "../config";
import { applyPlan, formatVerdict, judgePlan, planStack, PlanVerdict, TerraformError } from "./plan";
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
  | "verify-failed"; // applied (or nothing to apply), but verify-upgrade did not pass

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
  const verify = await timed("verify", () => (o.verify ?? ((d) => defaultVerify(o.config, d, env, progress, planArgs)))(stackDir));
  const passed = verify.every((r) => r.verdict === "PASS" || r.verdict === "SKIP");
  return { outcome: passed ? (base.summary.verdict.noChanges ? "no-changes" : "applied") : "verify-failed", ...base, verify };
}

/** verify-upgrade with step 7 re-planning the stack just synthesized (not a second synth). */
function defaultVerify(config: StackConfig, stackDir: string, env: NodeJS.ProcessEnv, progress: (l: string) => void, planArgs?: readonly string[]): Promise<StepResult[]> {
  return verifyUpgrade({
    config,
    env,
    planToZero: async () => {
      progress("verify step 7: planning again (expect no changes)");
      const { verdict } = await planStack({ dir: stackDir, env, planArgs, onProgress: progress });
      return verdict.noChanges ? [] : formatVerdict(verdict).slice(1).map((l) => l.trim());
    },
  });
}

export { TerraformError };
