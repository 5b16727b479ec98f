/**
 * `authentik-stack verify-upgrade [--step N]... [--context CTX] [--json]`: the upgrade validation checklist.
 */
import { loadConfig, readOverrides } from "../config";
import { verifyUpgrade, StepResult, STEP_TITLES } from "../engine/verify";
import { formatVerdict } from "../engine/plan";
import { EXIT } from "./exit-codes";
import { CommandSpec } from "./framework";

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

export const command: CommandSpec = {
  name: "verify-upgrade",
  summary: "run the seven-step upgrade checklist against the cluster",
  description: [
    "Runs the checklist after chart bumps, provider bumps or outpost pod recreation and prints, per step,",
    "the verdict (PASS/FAIL/ERROR/SKIP), what was seen, what to do, and the command to rerun by hand.",
    "Every kubectl call and HTTP probe has a deadline (config verify.commandTimeoutSeconds).",
    "Steps:",
    ...Object.entries(STEP_TITLES).map(([n, t]) => `  ${n}  ${t}`),
  ].join("\n"),
  options: {
    step: { type: "string", multiple: true, value: "N", choices: ["1", "2", "3", "4", "5", "6", "7"], help: "run only step N (default: all seven)" },
    context: { type: "string", value: "CTX", help: "kubectl context (default: the current context)" },
    json: { type: "boolean", help: "print {passed, results[]} as JSON" },
  },
  exitCodes: { 0: "every step that ran passed", 1: "a step failed or could not run (ERROR): see its line" },
  env: [
    ["KUBECTL", "kubectl binary (default kubectl)"],
    ["AUTHENTIK_STACK_CONFIG", "config override file"],
    ["PG_CONN_STR, VAULT_TOKEN", "for step 7 (plan-to-zero)"],
  ],
  examples: ["authentik-stack verify-upgrade", "authentik-stack verify-upgrade --step 1 --step 2 --context home"],
  async run(ctx) {
    const steps = ctx.strs("step").map(Number);
    const config = loadConfig(readOverrides());
    ctx.progress(`verify-upgrade: running step(s) ${steps.length ? steps.join(", ") : "1-7"}`);
    const planToZero = async () => {
      ctx.progress("step 7: synthesizing and planning (can take minutes)");
      const { synthAndPlan } = await import("../engine/plan-to-zero");
      const { verdict } = await synthAndPlan({ onProgress: ctx.progress });
      return verdict.noChanges ? [] : formatVerdict(verdict).slice(1).map((l) => l.trim());
    };
    const results = await verifyUpgrade({ config, steps, context: ctx.str("context"), planToZero });
    const passed = results.every((r) => r.verdict === "PASS" || r.verdict === "SKIP");
    if (ctx.json) ctx.out(JSON.stringify({ passed, results }, null, 2));
    else formatTable(results).forEach((l) => ctx.out(l));
    return passed ? EXIT.ok : EXIT.findings;
  },
};
