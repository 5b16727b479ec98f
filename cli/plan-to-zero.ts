/**
 * `authentik-stack plan-to-zero [--stack authentik] [--json]`: synthesize, then terraform init + plan +
 * show -json against the configured backend, and report every change. Exit 0 no changes; 2 changes;
 * 1 anything that keeps it from planning (with a one-line reason).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildApp } from "../app";
import { loadConfig, readOverrides } from "../config";
import { formatVerdict, planStack, TerraformError } from "../lib/plan";
import { UsageError, parseArgs, progress } from "./output";

/** Why planning can't start, or undefined when it can. */
export function preflight(env: NodeJS.ProcessEnv, home = os.homedir()): string | undefined {
  if (!env.PG_CONN_STR) return "PG_CONN_STR is not set: the pg backend reads the state's connection string from it (export PG_CONN_STR=postgres://...)";
  if (!env.VAULT_TOKEN && !fs.existsSync(path.join(home, ".vault-token"))) return "not logged in to Vault (no VAULT_TOKEN and no ~/.vault-token): run `vault login` first";
  return undefined;
}

export async function runPlanToZero(argv: string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, ["json"], ["stack", "var-file"]);
  const stackName = args.flags.get("stack")?.[0] ?? loadConfig(readOverrides()).stackName;
  const json = args.flags.has("json");
  const fail = (reason: string) => {
    if (json) out(JSON.stringify({ result: "error", reason }));
    else process.stderr.write(`plan-to-zero: ${reason}\n`);
    return 1;
  };
  const why = preflight(process.env);
  if (why) return fail(why);
  progress("synthesizing");
  let stackDir: string;
  try {
    const { app, stack } = buildApp("cdktf.out");
    if (stack.node.id !== stackName) throw new UsageError(`--stack ${stackName}: this app has one stack, '${stack.node.id}'`);
    app.synth();
    stackDir = path.resolve("cdktf.out", "stacks", stackName);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    return fail(`synth failed: ${(e as Error).message.split("\n").slice(0, 3).join(" ")}`);
  }
  const varFiles = (args.flags.get("var-file") ?? []).map((f) => `-var-file=${path.resolve(f)}`);
  try {
    const { verdict } = await planStack({ dir: stackDir, planArgs: varFiles, onProgress: progress });
    if (json) out(JSON.stringify({ result: verdict.noChanges ? "no-changes" : "changes", ...verdict }, null, 2));
    else formatVerdict(verdict).forEach((l) => out(l));
    return verdict.noChanges ? 0 : 2;
  } catch (e) {
    if (e instanceof TerraformError) return fail(e.message);
    throw e;
  }
}
