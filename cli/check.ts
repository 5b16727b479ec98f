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
import { describeJson, parseJsonObject, parseJsonText } from "../lib/json-input";
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
  assertOutpostShapes(json, file);
  return json;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The outpost records' config is JSON inside a string: its shape is checked here so that a hand-edited or
 * foreign stack gets one line naming the field, not a crash inside a guard. (A config that is not JSON at
 * all is left to the guards, which report it as an error finding.)
 */
function assertOutpostShapes(stack: Record<string, any>, file: string): void {
  const outposts = stack.resource.authentik_outpost;
  if (!isObj(outposts)) throw new InputError(`${file}: resource.authentik_outpost is ${describeJson(outposts)}; allowed: an object of outpost records. Fix: re-synthesize (npm run synth)`);
  for (const [name, rec] of Object.entries(outposts)) {
    const at = `${file}: authentik_outpost.${name}`;
    if (!isObj(rec)) throw new InputError(`${at} is ${describeJson(rec)}; allowed: a resource object. Fix: re-synthesize (npm run synth)`);
    if (rec.name !== undefined && typeof rec.name !== "string") throw new InputError(`${at}.name is ${describeJson(rec.name)}; allowed: a string. Fix: re-synthesize (npm run synth)`);
    if (typeof rec.config !== "string") continue;
    let cfg: unknown;
    try {
      cfg = parseJsonText(rec.config, `${at}.config`);
    } catch (e) {
      if (/nested \d+ levels/.test((e as Error).message)) throw e;
      continue; // not JSON: the guards report it
    }
    const fix = "Fix: the config is jsonencode() of an object with kubernetes_json_patches {deployment: [ops], service: [ops]}; re-synthesize (npm run synth)";
    if (!isObj(cfg)) throw new InputError(`${at}.config is ${describeJson(cfg)}; allowed: a JSON object. ${fix}`);
    const patches = cfg.kubernetes_json_patches;
    if (patches === undefined || patches === null) continue;
    if (!isObj(patches)) throw new InputError(`${at}.config.kubernetes_json_patches is ${describeJson(patches)}; allowed: an object {deployment, service}. ${fix}`);
    for (const [kind, ops] of Object.entries(patches)) {
      if (ops === null || ops === undefined) continue;
      if (!Array.isArray(ops)) throw new InputError(`${at}.config.kubernetes_json_patches.${kind} is ${describeJson(ops)}; allowed: a list of RFC 6902 operations. ${fix}`);
      ops.forEach((op, i) => {
        if (!isObj(op) || typeof op.op !== "string" || typeof op.path !== "string") {
          throw new InputError(`${at}.config.kubernetes_json_patches.${kind}[${i}] is ${describeJson(op)}${isObj(op) ? " without a string op and path" : ""}; allowed: an RFC 6902 operation {op, path, value?}. ${fix}`);
        }
      });
    }
  }
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
