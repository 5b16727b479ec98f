/**
 * `authentik-stack verify-upgrade [--step N]... [--context CTX] [--json]`: the upgrade validation
 * checklist. Exit 0 only when every step that ran passed; 1 otherwise; 2 usage.
 */
import * as path from "path";
import { loadConfig, readOverrides } from "../config";
import { verifyUpgrade, StepResult } from "../lib/verify";
import { formatVerdict, planStack } from "../lib/plan";
import { buildApp } from "../app";
import { preflight } from "./plan-to-zero";
import { UsageError, parseArgs, progress } from "./output";

export function formatTable(results: readonly StepResult[]): string[] {
  const lines = ["step  verdict  check / evidence"];
  for (const r of results) {
    lines.push(`${String(r.step).padEnd(5)} ${r.verdict.padEnd(8)} ${r.title}`);
    if (r.verdict !== "SKIP") {
      lines.push(`               seen: ${r.evidence}`);
      if (r.todo) lines.push(`               do:   ${r.todo}`);
      lines.push(`               cmd:  ${r.commands.join(" ; ")}`);
    }
  }
  const ran = results.filter((r) => r.verdict !== "SKIP");
  const bad = ran.filter((r) => r.verdict !== "PASS");
  lines.push(bad.length ? `${bad.length} of ${ran.length} step(s) did not pass: ${bad.map((r) => `${r.step} ${r.verdict}`).join(", ")}` : `all ${ran.length} step(s) passed`);
  return lines;
}

/** Step 7 through the plan-to-zero command's own code path. */
async function planToZeroChanges(): Promise<string[]> {
  const why = preflight(process.env);
  if (why) throw new Error(why);
  progress("step 7: synthesizing and planning (can take minutes)");
  const { app, stack } = buildApp("cdktf.out");
  app.synth();
  const { verdict } = await planStack({ dir: path.resolve("cdktf.out", "stacks", stack.node.id), onProgress: progress });
  return verdict.noChanges ? [] : formatVerdict(verdict).slice(1).map((l) => l.trim());
}

export async function runVerifyUpgrade(argv: string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, ["json"], ["step", "context"]);
  const steps = (args.flags.get("step") ?? []).map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1 || n > 7) throw new UsageError(`--step ${s}: allowed 1 to 7`);
    return n;
  });
  const config = loadConfig(readOverrides());
  progress(`verify-upgrade: running step(s) ${steps.length ? steps.join(", ") : "1-7"}`);
  const results = await verifyUpgrade({ config, steps, context: args.flags.get("context")?.[0], planToZero: planToZeroChanges });
  if (args.flags.has("json")) out(JSON.stringify({ passed: results.every((r) => r.verdict === "PASS" || r.verdict === "SKIP"), results }, null, 2));
  else formatTable(results).forEach((l) => out(l));
  return results.every((r) => r.verdict === "PASS" || r.verdict === "SKIP") ? 0 : 1;
}
