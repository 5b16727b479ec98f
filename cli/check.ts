/**
 * `authentik-stack check [--json] [--ack ID=reason]... [path/to/cdk.tf.json]`: runs every guard over a
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
import { EXIT, UsageError, parseArgs } from "./output";

export const CHECK_USAGE = `usage: authentik-stack check [--json] [--ack ID=reason]... [cdk.tf.json]
  Runs the guards over a synthesized stack (default cdktf.out/stacks/<stackName>/cdk.tf.json).
  --ack ID=reason   acknowledge warnings of guard ID (errors can't be acknowledged); the repo's
                    known warnings are acknowledged in guard-acknowledgements.json
  exit 0 no errors, 1 errors, 2 unusable input`;

/** Reads and sanity-checks a synthesized stack; throws UsageError with a one-line reason. */
export function readStackJson(file: string): StackJson {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let json: any;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not JSON: ${(e as Error).message}`);
  }
  if (!json || typeof json !== "object" || !json.resource?.authentik_outpost) {
    throw new UsageError(`${file} holds no authentik stack (no authentik_outpost resource); pass the synthesized cdktf.out/stacks/authentik/cdk.tf.json`);
  }
  return json;
}

export function runCheck(argv: string[], out: (s: string) => void): number {
  const args = parseArgs(argv, ["json"], ["ack"]);
  if (args.positional.length > 1) throw new UsageError("check takes one path");
  const root = packageRoot();
  const config = loadConfig(readOverrides());
  const file = args.positional[0] ?? path.join(process.cwd(), "cdktf.out", "stacks", config.stackName, "cdk.tf.json");
  const stack = readStackJson(file);
  let acks: Acknowledgement[];
  try {
    acks = [...readAcknowledgements(root)];
  } catch (e) {
    if (e instanceof AcknowledgementError) throw new UsageError(e.message);
    throw e;
  }
  for (const a of args.flags.get("ack") ?? []) {
    const m = /^(AK\d{3})=(.*)$/s.exec(a);
    if (!m) throw new UsageError(`--ack ${JSON.stringify(a)}: expected ID=reason, e.g. --ack "AK010=moving the password in change 42"`);
    acks.unshift({ id: m[1], reason: m[2] }); // the command line wins over the file
  }
  let report;
  try {
    report = runGuards({ stack, config, ...loadGuardInputs(root, chartVersionsIn(stack)) }, acks);
  } catch (e) {
    if (e instanceof AcknowledgementError) throw new UsageError(e.message);
    throw e;
  }
  const ttls = ttlReport(stack);
  if (args.flags.has("json")) {
    out(JSON.stringify({ file, errors: report.errors, warnings: report.warnings, acknowledged: report.acknowledged, findings: report.findings, ttls }, null, 2));
  } else {
    for (const g of GUARDS) {
      const fs_ = report.findings.filter((x) => x.id === g.id);
      out(`${g.id} ${g.name}: ${fs_.length === 0 ? "ok" : `${fs_.filter((x) => x.severity === "error").length} error(s), ${fs_.filter((x) => x.severity === "warning").length} warning(s)`}`);
      for (const x of fs_) out(`  ${formatFinding(x).replace(`${x.id} `, "")}`);
    }
    for (const t of ttls) out(`TTL ${t.address}.${t.attribute} = ${t.value}${t.days !== undefined ? ` (${t.days} days)` : ` (invalid: ${t.error})`}`);
    out(`${report.errors} error(s), ${report.warnings} warning(s), ${report.acknowledged} acknowledged — ${file}`);
  }
  return report.errors > 0 ? EXIT.findings : EXIT.ok;
}
