/**
 * Runs the guards at synth time, as a validation of the stack: an error finding fails `npm run synth`
 * and `cdktf synth` before cdk.tf.json is written. The guards see exactly the JSON that would be
 * written (the stack's toTerraform(), memoized, so synthesis is not paid twice).
 */
import * as fs from "fs";
import * as path from "path";
import { TerraformStack } from "cdktf";
import { Acknowledgement, formatFinding, runGuards } from "./registry";
import { chartVersionsIn, loadGuardInputs } from "./inputs";
import { StackJson } from "./types";
import { packageRoot } from "../config/paths";

/** Acknowledgements file at the repo root: [{ id, match?, reason }]. */
export const ACKS_FILE = "guard-acknowledgements.json";

export function readAcknowledgements(rootDir: string): Acknowledgement[] {
  const file = path.join(rootDir, ACKS_FILE);
  if (!fs.existsSync(file)) return [];
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

export interface AttachGuardsOptions {
  /** Repo root (schema, chart keys, acknowledgements). @default - the package root */
  readonly rootDir?: string;
  /** Where warnings are reported. @default - stderr */
  readonly log?: (line: string) => void;
}

export function attachGuards(stack: TerraformStack, opts: AttachGuardsOptions = {}): void {
  const root = opts.rootDir ?? packageRoot();
  const log = opts.log ?? ((l: string) => process.stderr.write(l + "\n"));
  // memoize toTerraform: validations run right before the synthesizer calls it
  const original = stack.toTerraform.bind(stack);
  let cached: any;
  stack.toTerraform = () => (cached ??= original());
  stack.node.addValidation({
    validate: () => {
      const json = stack.toTerraform() as StackJson;
      const report = runGuards({ stack: json, ...loadGuardInputs(root, chartVersionsIn(json)) }, readAcknowledgements(root));
      const warnings = report.findings.filter((x) => x.severity === "warning");
      if (warnings.length) {
        const byId = new Map<string, number>();
        for (const w of warnings) if (!w.acknowledged) byId.set(w.id, (byId.get(w.id) ?? 0) + 1);
        const counts = [...byId].map(([id, k]) => `${id} x${k}`).join(", ");
        log(`[guards] ${report.errors} error(s), ${report.warnings} warning(s)${counts ? ` (${counts})` : ""}, ${report.acknowledged} acknowledged; \`npx authentik-stack check\` explains each`);
      }
      return report.findings.filter((x) => x.severity === "error").map(formatFinding);
    },
  });
}
