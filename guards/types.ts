/** What a guard is and what it reports. */
import { StackConfig } from "../config";
import { ChartFacts } from "../model/chart-facts";

export type Severity = "error" | "warning";

/** One problem a guard found. Messages name the resource, the attribute, expected vs actual, and the fix. */
export interface Finding {
  /** Guard id, e.g. AK001. */
  readonly id: string;
  readonly severity: Severity;
  /** Terraform address, e.g. authentik_outpost.embedded. */
  readonly address: string;
  /** Attribute path within the resource, e.g. config.kubernetes_json_patches.service[0].value. */
  readonly attribute: string;
  readonly message: string;
  readonly expected: string;
  readonly actual: string;
  readonly fix: string;
  /** Set when the operator acknowledged this warning; the finding stays in the report. */
  readonly acknowledged?: { readonly reason: string };
}

/** The synthesized stack (cdk.tf.json), as JSON. */
export interface StackJson {
  readonly terraform?: Record<string, any>;
  readonly resource?: Record<string, Record<string, any>>;
  readonly data?: Record<string, Record<string, any>>;
  readonly locals?: Record<string, any>;
  readonly output?: Record<string, any>;
  readonly provider?: Record<string, any>;
  readonly variable?: Record<string, any>;
  readonly moved?: Array<{ from: string; to: string }>;
  readonly [k: string]: unknown;
}

/** Files a guard may read besides the stack JSON; loaded by the caller so guards stay pure. */
export interface GuardInputs {
  /** The committed goauthentik provider schema (`terraform providers schema -json` format). */
  readonly authentikSchema?: any;
  /** What each chart version does with the values (model/charts/<version>.json), per chart version. */
  readonly chartFacts?: ReadonlyMap<string, ChartFacts>;
}

export interface GuardContext extends GuardInputs {
  /** The synthesized stack. */
  readonly stack: StackJson;
  /** The stack config it was synthesized from: facts the JSON does not carry (the outpost's UUID). */
  readonly config: StackConfig;
}

export interface Guard {
  /** Stable id (AK001...), used in acknowledgements. */
  readonly id: string;
  /** Short name. */
  readonly name: string;
  /** What it protects and the incident class behind it, in one sentence. */
  readonly protects: string;
  readonly check: (ctx: GuardContext) => Finding[];
}

/** A finding builder bound to one guard. */
export function finder(id: string) {
  return (severity: Severity, f: Omit<Finding, "id" | "severity">): Finding => ({ id, severity, ...f });
}

/** A value as a finding shows it: JSON, or "absent" for a value that is not there (JSON.stringify gives undefined). */
export function shown(v: unknown): string {
  return v === undefined ? "absent" : JSON.stringify(v);
}
