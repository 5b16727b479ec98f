/**
 * `authentik-stack deploy`: guards, synth, a private plan, the plan policy, a summary, confirmation,
 * apply of exactly that plan, verify-upgrade. The argument parsing and output live here; the steps in
 * engine/deploy.ts.
 */
import * as readline from "readline";
import { loadConfig, readOverrides } from "../config";
import { formatVerdict, TerraformError } from "../engine/plan";
import { preflight } from "../engine/preflight";
import { EnvironmentError, InputError } from "../lib/errors";
import { formatTable } from "./verify-upgrade";
import { Acknowledgement } from "../guards/registry";
import { checkAllowDestroy, checkPolicyAcknowledgements, formatPolicyFinding, parseReasoned, PolicyAcknowledgement, PolicyInputError, PolicyReport } from "../policy";
import type { DeployResult, DeploySummary, ImportSummary } from "../engine/deploy";
import { EXIT } from "./exit-codes";
import { isClosed, write } from "../io/stdio";
import { CommandContext, CommandSpec, UsageError } from "./framework";

/** Exit codes (cli/exit-codes.ts): 0 ok, 1 refused/findings/verify failed/declined, 2 usage, 3 could not run. */
export const DEPLOY_EXIT = { ok: EXIT.ok, findings: EXIT.findings, usage: EXIT.usage, couldNotRun: EXIT.cannotRun } as const;

function splitAcks(values: readonly string[]): { guard: Acknowledgement[]; policy: PolicyAcknowledgement[] } {
  const guard: Acknowledgement[] = [];
  const policy: PolicyAcknowledgement[] = [];
  for (const v of values) {
    const { key, reason } = parseReasoned("ack", v);
    if (/^AK\d{3}$/.test(key)) guard.push({ id: key, reason });
    else if (/^PL\d{3}$/.test(key)) policy.push({ id: key, reason });
    else throw new UsageError(`--ack ${key}: not a guard (AK001...) or policy rule (PL001...) id`);
  }
  return { guard, policy };
}

/** Asks on the terminal; only "yes" applies. */
function askYes(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (a) => {
      rl.close();
      resolve(a.trim() === "yes");
    });
    rl.on("close", () => resolve(false));
  });
}

/**
 * Shows what the operator is asked to approve on stderr, then asks. When stderr's reader has gone away
 * (`deploy 2>&1 | head`), the operator can't see what they would approve: not confirmed, without asking.
 */
export async function showAndAsk(lines: readonly string[], question: string, ask: (q: string) => Promise<boolean> = askYes): Promise<boolean> {
  write("stderr", lines.join("\n") + "\n");
  // a closed pipe's EPIPE arrives as an 'error' event after the write returns
  await new Promise((resolve) => setImmediate(resolve));
  if (isClosed("stderr")) return false;
  return ask(question);
}

/** One import of the plan, as every deploy output shows it. */
function importLine(i: ImportSummary): string {
  return `import: ${i.address}${i.id !== undefined ? ` (id ${JSON.stringify(i.id)})` : ""}`;
}

export function summaryLines(s: DeploySummary): string[] {
  const changeLines = formatVerdict(s.verdict)
    .slice(1)
    .filter((l) => !l.startsWith("moves without"))
    .map((l) => {
      const m = /^  replace\s+(\S+)/.exec(l);
      return m && s.replaceForcedBy[m[1]] ? `${l} (forced by ${s.replaceForcedBy[m[1]].join(", ")})` : l;
    });
  const lines = s.verdict.noChanges ? ["plan: no resource changes"] : ["plan: " + formatVerdict(s.verdict)[0], ...changeLines];
  if (s.verdict.moves.length) lines.push(`moves (no other change): ${s.verdict.moves.map((m) => `${m.from} -> ${m.to}`).join("; ")}`);
  for (const i of s.imports) lines.push(`${importLine(i)}, then ${i.action}`);
  if (s.verdict.outputChanges.length) lines.push(`outputs that change: ${s.verdict.outputChanges.join(", ")}`);
  return lines;
}

function policyLines(p: PolicyReport): string[] {
  const head = p.refused
    ? `policy: REFUSED (${p.errors} error(s), ${p.warnings} warning(s), ${p.acknowledged} acknowledged, ${p.allowed} destroy(s) allowed)`
    : `policy: passed (${p.warnings} warning(s), ${p.acknowledged} acknowledged, ${p.allowed} destroy(s) allowed)`;
  const lines = [head, ...p.findings.map((f) => "  " + formatPolicyFinding(f))];
  if (p.unusedAllowances.length) lines.push(`  --allow-destroy given for addresses this plan does not destroy: ${p.unusedAllowances.join(", ")}`);
  return lines;
}

function textReport(r: DeployResult): string[] {
  const g = r.guards;
  const lines = [`guards: ${g.errors} error(s), ${g.warnings} warning(s), ${g.acknowledged} acknowledged`, ...g.errorLines.map((l) => "  " + l)];
  const importStep = r.outcome === "imported" || r.outcome === "nothing-to-import" || (r.outcome === "dry-run" && !r.policy);
  if (r.summary) lines.push(...(importStep ? r.summary.imports.map(importLine) : summaryLines(r.summary)));
  if (r.policy) lines.push(...policyLines(r.policy));
  if (r.verify) lines.push("verify-upgrade:", ...formatTable(r.verify).map((l) => "  " + l));
  const verdict: Record<DeployResult["outcome"], string> = {
    applied: "deploy: applied and verified",
    "no-changes": "deploy: nothing to apply; verified",
    "dry-run": "deploy: dry run; the policy passes this plan; nothing applied",
    "guard-errors": "deploy: refused by the guards; nothing planned or applied. Fix the errors above (`npx authentik-stack check` explains each).",
    refused: "deploy: refused by the plan policy; nothing applied. Do what each finding's Fix says, then run deploy again.",
    declined: "deploy: not confirmed; nothing applied",
    "verify-failed": "deploy: verify-upgrade did not pass (see the steps above)",
    imported: `deploy: imported ${r.summary?.imports.length ?? 0} object(s) into the state; nothing live changed. Run deploy again to review what the configuration changes in them.`,
    "nothing-to-import": "deploy: the plan imports nothing; nothing done",
  };
  lines.push(r.outcome === "dry-run" && !r.policy ? "deploy: dry run of --import-only: the imports above would be written to the state; nothing done" : verdict[r.outcome]);
  return lines;
}

async function runDeploy(ctx: CommandContext): Promise<number> {
  const out = ctx.out;
  const progress = ctx.progress;
  const autoApprove = ctx.flag("auto-approve");
  const dryRun = ctx.flag("dry-run");
  const importOnly = ctx.flag("import-only");
  const overrides = readOverrides();
  const config = loadConfig(overrides);
  const stackName = ctx.str("stack") ?? config.stackName;
  if (stackName !== config.stackName) throw new UsageError(`--stack ${stackName}: this app has one stack, '${config.stackName}'`);
  const json = ctx.json;
  let acks, allowDestroy;
  try {
    acks = splitAcks(ctx.strs("ack"));
    checkPolicyAcknowledgements(acks.policy);
    allowDestroy = new Map(ctx.strs("allow-destroy").map((v) => Object.values(parseReasoned("allow-destroy", v)) as [string, string]));
    checkAllowDestroy(allowDestroy);
  } catch (e) {
    if (e instanceof PolicyInputError) throw new UsageError(e.message);
    throw e;
  }
  if (!dryRun && !autoApprove && !process.stdin.isTTY) {
    throw new UsageError("no terminal to confirm on (stdin is not a TTY); run it from a terminal, or with --auto-approve after reviewing `deploy --dry-run`");
  }
  const why = preflight(process.env);
  if (why) throw new EnvironmentError(why);
  let result: DeployResult;
  try {
    // loaded here, not at the top: it loads cdktf and the bindings, which --help doesn't need
    const { deploy } = await import("../engine/deploy");
    result = await deploy({
      config,
      overrides,
      dryRun,
      importOnly,
      guardAcks: acks.guard,
      policyAcks: acks.policy,
      allowDestroy,
      onProgress: progress,
      confirm: async (summary, policy) => {
        if (autoApprove) return true;
        return showAndAsk([...summaryLines(summary), ...policyLines(policy)], "Apply exactly this plan? Only 'yes' applies: ");
      },
      confirmImports: async (imports) => {
        if (autoApprove) return true;
        return showAndAsk(imports.map(importLine), "Import exactly these objects into the state (nothing live changes)? Only 'yes' imports: ");
      },
    });
  } catch (e) {
    if (e instanceof TerraformError) throw new EnvironmentError(`${e.message}${e.step === "apply" ? " (the apply may have changed part of the stack: run deploy --dry-run to see what remains)" : ""}`);
    if ((e as Error).name === "ConfigError" || e instanceof InputError || e instanceof EnvironmentError) throw e;
    throw new EnvironmentError((e as Error).message.split("\n").slice(0, 2).join(" "));
  }
  if (json) out(JSON.stringify({ result: result.outcome, ...result }, null, 2));
  else textReport(result).forEach((l) => out(l));
  const ok: readonly DeployResult["outcome"][] = ["applied", "no-changes", "dry-run", "imported", "nothing-to-import"];
  return ok.includes(result.outcome) ? DEPLOY_EXIT.ok : DEPLOY_EXIT.findings;
}

export const command: CommandSpec = {
  name: "deploy",
  summary: "guards, synth, plan, plan policy, confirm, apply that plan, verify-upgrade",
  description: [
    "Runs the guards, synthesizes, plans (the plan file is private and removed after), judges the plan with",
    "the plan policy (PL001-PL006), shows what changes per resource (moves and imports apart), asks for",
    "confirmation, applies exactly the plan it showed, then runs verify-upgrade.",
    "Use it instead of `cdktf deploy` for every change to the live stack (README, Deploying).",
  ].join("\n"),
  options: {
    stack: { type: "string", value: "NAME", help: "the stack (default: the config's stackName, authentik)" },
    "auto-approve": { type: "boolean", help: "apply without asking (required when stdin is not a terminal)" },
    "dry-run": { type: "boolean", help: "stop after the policy; nothing is applied" },
    "import-only": { type: "boolean", help: "adopt first: `terraform import` each import of the plan (nothing live changes), then stop (PL005's fix)" },
    json: { type: "boolean", help: "one JSON report on stdout (progress stays on stderr)" },
    "allow-destroy": { type: "string", multiple: true, value: "ADDRESS=reason", help: "let the plan destroy or replace this stateful object (PL001)" },
    ack: { type: "string", multiple: true, value: "ID=reason", help: "acknowledge a guard warning (AK...) or a policy finding (PL002, PL004)" },
  },
  exitCodes: {
    0: "applied and verified (or no changes, a dry run the policy passed, or --import-only imported)",
    1: "refused by guards or policy, declined, or verify-upgrade failed",
    2: "usage or unusable input (incl. no terminal and no --auto-approve)",
    3: "could not run (terraform, backend, Vault, cluster)",
  },
  env: [
    ["PG_CONN_STR", "the pg backend's connection string (required)"],
    ["VAULT_TOKEN", "Vault token (or ~/.vault-token from `vault login`)"],
    ["AUTHENTIK_STACK_CONFIG", "config override file"],
  ],
  examples: ["authentik-stack deploy --dry-run", "authentik-stack deploy --import-only", 'authentik-stack deploy --allow-destroy "kubernetes_secret.tls=rotating the certificate, ticket 42"'],
  run: runDeploy,
};
