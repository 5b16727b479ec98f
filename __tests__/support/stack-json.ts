/**
 * The real stack's JSON and guard contexts for guard tests, without loading cdktf: AUTHENTIK_STACK_TEST_JSON
 * may name an already synthesized cdk.tf.json (npm run mutation synthesizes once, then Stryker runs the
 * guard tests against hundreds of mutants); otherwise the stack is synthesized in memory.
 */
import * as fs from "fs";
import * as path from "path";
import { StackConfig, loadConfig } from "../../config";
import { GuardContext, StackJson } from "../../guards/types";
import { chartVersionsIn, loadGuardInputs } from "../../guards/inputs";

export const ROOT = path.resolve(__dirname, "..", "..");

/** The live config's stack JSON, as synthesis writes it. */
export function realStackJson(): StackJson {
  const file = process.env.AUTHENTIK_STACK_TEST_JSON;
  if (file) return JSON.parse(fs.readFileSync(file, "utf8"));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("./synth") as typeof import("./synth")).synthJson();
}

/** A guard context over a stack JSON, with the repo's schema and chart keys. */
export function guardContext(stack: StackJson, config: StackConfig = loadConfig()): GuardContext {
  return { stack, config, ...loadGuardInputs(ROOT, chartVersionsIn(stack)) };
}

/** A deep copy, so mutation tests never share state. */
export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** The outpost config object of a stack JSON, and a setter that re-encodes it. */
export function outpostConfig(stack: StackJson): any {
  return JSON.parse((stack.resource as any).authentik_outpost.embedded.config);
}
export function setOutpostConfig(stack: StackJson, cfg: any): void {
  (stack.resource as any).authentik_outpost.embedded.config = JSON.stringify(cfg);
}
