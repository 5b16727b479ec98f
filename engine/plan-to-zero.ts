/**
 * The one path from config to verdict shared by `plan-to-zero` and verify-upgrade's step 7: preflight
 * (backend and Vault credentials present), synthesize, then planStack (engine/plan.ts).
 */
import * as path from "path";
import { buildApp } from "../app";
import { EnvironmentError, InputError } from "../lib/errors";
import { PlanVerdict, TerraformRun, planStack } from "./plan";
import { preflight } from "./preflight";

export { preflight };

export interface PlanToZeroOptions {
  /** The stack to plan; must be the app's stack. @default - the config's stackName */
  readonly stackName?: string;
  /** Where to synthesize. @default "cdktf.out" (relative to the working directory) */
  readonly outdir?: string;
  /** Extra terraform plan arguments (-var-file=...). */
  readonly planArgs?: readonly string[];
  readonly onProgress?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  readonly deadlines?: TerraformRun["deadlines"];
}

/** Preflight, synth, init + plan + show; throws EnvironmentError (can't run) or InputError (stack doesn't synthesize). */
export async function synthAndPlan(o: PlanToZeroOptions = {}): Promise<{ verdict: PlanVerdict; stackDir: string }> {
  const env = o.env ?? process.env;
  const why = preflight(env);
  if (why) throw new EnvironmentError(why);
  o.onProgress?.("synthesizing");
  const outdir = o.outdir ?? "cdktf.out";
  const { app, stack } = buildApp(outdir);
  if (o.stackName !== undefined && stack.node.id !== o.stackName) {
    throw new InputError(`--stack ${JSON.stringify(o.stackName)}: no such stack; allowed: '${stack.node.id}' (this app has one stack). Fix: omit --stack or pass --stack ${stack.node.id}`);
  }
  try {
    app.synth();
  } catch (e) {
    if ((e as Error).name === "ConfigError") throw e;
    throw new InputError(`synth failed: ${(e as Error).message.split("\n").map((l) => l.trim()).filter(Boolean).slice(0, 3).join(" ")}. Fix: run \`npx authentik-stack check\` or \`npm run synth\` for the details`);
  }
  const stackDir = path.resolve(outdir, "stacks", stack.node.id);
  const { verdict } = await planStack({ dir: stackDir, env, planArgs: o.planArgs, onProgress: o.onProgress, deadlines: o.deadlines });
  return { verdict, stackDir };
}
