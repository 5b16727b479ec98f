/**
 * Runs the guards at synth time as a validation of the stack (a construct validation, not a cdktf
 * Aspect) and reports the findings where cdktf users look: cdktf Annotations, which `cdktf synth`
 * prints (WARN/ERROR) and the manifest keeps. An error finding is an ERROR annotation: the synth
 * fails before cdk.tf.json is written. Acknowledged warnings (guard-acknowledgements.json) are listed
 * once, as one INFO annotation. The guards see exactly the JSON that would be written (the stack's
 * toTerraform(), memoized, so synthesis is not paid twice).
 */
import { Annotations, TerraformStack } from "cdktf";
import { StackConfig } from "../config";
import { packageRoot } from "../config/paths";
import { readAcknowledgements } from "./acknowledgements";
import { formatFinding, runGuards } from "./registry";
import { chartVersionsIn, loadGuardInputs } from "./inputs";
import { StackJson } from "./types";

export interface AttachGuardsOptions {
  /** The config the stack was built from (facts the JSON doesn't carry). @default - required */
  readonly config: StackConfig;
  /** Repo root (schema, chart keys, acknowledgements). @default - the package root */
  readonly rootDir?: string;
}

/** Adds the guards to the stack's validations; findings become annotations on the stack. */
export function attachGuards(stack: TerraformStack, opts: AttachGuardsOptions): void {
  const root = opts.rootDir ?? packageRoot();
  // memoize toTerraform: validations run right before the synthesizer calls it
  const original = stack.toTerraform.bind(stack);
  let cached: any;
  stack.toTerraform = () => (cached ??= original());
  stack.node.addValidation({
    validate: () => {
      const json = stack.toTerraform() as StackJson;
      const report = runGuards({ stack: json, config: opts.config, ...loadGuardInputs(root, chartVersionsIn(json)) }, readAcknowledgements(root));
      const notes = Annotations.of(stack);
      for (const f of report.findings) {
        if (f.severity === "error") notes.addError(`[guards] ${formatFinding(f)}`);
        else if (!f.acknowledged) notes.addWarning(`[guards] ${formatFinding(f)}`);
      }
      if (report.acknowledged) {
        const byId = new Map<string, number>();
        for (const f of report.findings) if (f.acknowledged) byId.set(f.id, (byId.get(f.id) ?? 0) + 1);
        notes.addInfo(`[guards] ${report.acknowledged} acknowledged warning(s) (${[...byId].map(([id, n]) => `${id} x${n}`).join(", ")}), reasons in guard-acknowledgements.json; \`npx authentik-stack check\` lists each`);
      }
      return [];
    },
  });
}
