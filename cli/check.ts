/**
 * `authentik-stack check [--json] [--ack ID=reason]... [cdk.tf.json]`: runs every guard over a
 * synthesized stack. Exit 0: no errors (warnings printed); 1: errors; 2: unusable input.
 */
import * as fs from "fs";
import * as path from "path";
import { formatFinding, runGuards, GUARDS, Acknowledgement, AcknowledgementError } from "../guards/registry";
import { chartVersionsIn, loadGuardInputs } from "../guards/inputs";
import { readAcknowledgements } from "../guards/acknowledgements";
import { ttlReport } from "../guards/ttls";
import { StackJson } from "../guards/types";
import { packageRoot } from "../config/paths";
import { loadConfig, readOverrides } from "../config";
import { InputError } from "../lib/errors";
import { parseJsonObject } from "../lib/json-input";
import { EXIT } from "./exit-codes";
import { CommandSpec, UsageError } from "./framework";

/** Reads and sanity-checks a synthesized stack; throws InputError with a one-line reason. */
export function readStackJson(file: string): StackJson {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; allowed: a readable cdk.tf.json. Fix: run \`npm run synth\` or pass the file's path`);
  }
  const json: any = parseJsonObject(text, file);
  if (json.resource === null || typeof json.resource !== "object" || Array.isArray(json.resource) || !json.resource.authentik_outpost) {
    throw new InputError(`${file} holds no authentik stack (no authentik_outpost resource); allowed: the synthesized cdktf.out/stacks/authentik/cdk.tf.json. Fix: pass that file`);
  }
  return json;
}

export const command: CommandSpec = {
  name: "check",
  summary: "run the guards over a synthesized stack",
  description: [
    "Runs every guard (AK001...) over a synthesized stack and prints each guard's findings, then the",
    "TTLs in days. Warnings can be acknowledged with a reason (--ack, or guard-acknowledgements.json at",
    "the repository root); acknowledged findings stay in the report. Errors can't be acknowledged.",
  ].join("\n"),
  options: {
    json: { type: "boolean", help: "print the report as JSON (errors, warnings, acknowledged, findings, ttls)" },
    ack: { type: "string", multiple: true, value: "ID=reason", help: "acknowledge the warnings of guard ID with a written reason" },
  },
  positionals: { usage: "[cdk.tf.json]", max: 1, help: ["cdk.tf.json  the synthesized stack (default cdktf.out/stacks/<stackName>/cdk.tf.json)"] },
  exitCodes: { 0: "no guard errors (warnings are printed; the repo's known warnings are acknowledged in guard-acknowledgements.json)", 1: "guard errors (one line each: expected, actual, the fix)", 2: "usage error or unusable input (unreadable file, not a stack, bad --ack, bad acknowledgements file)" },
  env: [["AUTHENTIK_STACK_CONFIG", "config override file (for the default path's stack name)"]],
  examples: ["authentik-stack check", 'authentik-stack check --json --ack "AK010=moving the DB password out in change 42"'],
  run(ctx) {
    const root = packageRoot();
    const config = loadConfig(readOverrides());
    const file = ctx.positionals[0] ?? path.join(process.cwd(), "cdktf.out", "stacks", config.stackName, "cdk.tf.json");
    const stack = readStackJson(file);
    const acks: Acknowledgement[] = [];
    for (const a of ctx.strs("ack")) {
      const m = /^(AK\d{3})=(.*\S.*)$/s.exec(a);
      if (!m) throw new UsageError(`--ack ${JSON.stringify(a)}: expected ID=reason; allowed: a guard id (AK001...) and a non-empty reason. Fix: --ack "AK010=moving the password in change 42"`);
      acks.unshift({ id: m[1], reason: m[2] }); // the command line wins over the file
    }
    let report;
    try {
      report = runGuards({ stack, config, ...loadGuardInputs(root, chartVersionsIn(stack)) }, [...acks, ...readAcknowledgements(root)]);
    } catch (e) {
      if (e instanceof AcknowledgementError) throw new InputError(e.message);
      if (e instanceof InputError || (e as Error).name === "ConfigError") throw e;
      // a guard tripped over a stack of a shape it doesn't know (hand-edited or foreign JSON)
      throw new InputError(`${file}: the guards could not read this stack (${(e as Error).name}: ${(e as Error).message.split("\n")[0]}); allowed: a stack synthesized by this app. Fix: re-synthesize (npm run synth) and rerun`);
    }
    const ttls = ttlReport(stack);
    if (ctx.json) {
      ctx.out(JSON.stringify({ file, errors: report.errors, warnings: report.warnings, acknowledged: report.acknowledged, findings: report.findings, ttls }, null, 2));
    } else {
      for (const g of GUARDS) {
        const fs_ = report.findings.filter((x) => x.id === g.id);
        ctx.out(`${g.id} ${g.name}: ${fs_.length === 0 ? "ok" : `${fs_.filter((x) => x.severity === "error").length} error(s), ${fs_.filter((x) => x.severity === "warning").length} warning(s)`}`);
        for (const x of fs_) ctx.out(`  ${formatFinding(x).replace(`${x.id} `, "")}`);
      }
      for (const t of ttls) ctx.out(`TTL ${t.address}.${t.attribute} = ${t.value}${t.days !== undefined ? ` (${t.days} days)` : ` (invalid: ${t.error})`}`);
      ctx.out(`${report.errors} error(s), ${report.warnings} warning(s), ${report.acknowledged} acknowledged — ${file}`);
    }
    return report.errors > 0 ? EXIT.findings : EXIT.ok;
  },
};
