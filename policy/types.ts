/**
 * What a plan-policy rule is and what it reports. Rules are pure functions over a `terraform show -json`
 * plan plus facts the deploy engine gathered beforehand (what runs in the cluster, the chart's
 * appVersion), so they can be tested on real plans without a cluster.
 */

export type Severity = "error" | "warning";

/** One problem a rule found. An error refuses the plan; a warning is shown and, unless acknowledged, counted. */
export interface PolicyFinding {
  /** Rule id, e.g. PL001. */
  readonly id: string;
  readonly severity: Severity;
  /** Terraform address the finding is about, or "(plan)" for the plan as a whole. */
  readonly address: string;
  /** What the plan would do and why that is refused. Never contains attribute values from the plan. */
  readonly message: string;
  /** What the operator should do. */
  readonly fix: string;
  /** Set when the operator acknowledged it (`--ack ID=reason`); the finding stays in the report. */
  readonly acknowledged?: { readonly reason: string };
  /** Set when a destroy was allowed with `--allow-destroy ADDRESS=reason`. */
  readonly allowed?: { readonly reason: string };
}

/** An image the release runs now, and where it was read. */
export interface RunningImage {
  /** e.g. ghcr.io/goauthentik/server:2026.2.2 */
  readonly image: string;
  /** e.g. "deployment authentik/goauthentik-server container server" or "release manifest v3". */
  readonly source: string;
}

/** Facts about one helm_release, gathered by the deploy engine before the rules run. */
export interface ReleaseFacts {
  /** Images the release runs now (cluster workloads and the deployed manifest); [] = nothing installed. @default - unknown */
  readonly running?: readonly RunningImage[];
  /** Why `running` could not be read. */
  readonly runningError?: string;
  /** appVersion of the chart version the plan installs (the chart repository's index). @default - unknown */
  readonly targetAppVersion?: string;
  /** Why `targetAppVersion` could not be read. */
  readonly targetAppVersionError?: string;
}

export interface PolicyFacts {
  /** By helm_release address (e.g. helm_release.authentik). */
  readonly releases: Readonly<Record<string, ReleaseFacts>>;
}

/** `terraform show -json` plan, as far as the rules read it (validated by PL006 before other rules run). */
export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  /** Always a list here: PL006 refuses a plan without one before any other rule runs. */
  readonly resource_changes: readonly ResourceChange[];
  readonly errored?: boolean;
  readonly complete?: boolean;
  readonly applyable?: boolean;
  readonly deferred_changes?: readonly unknown[];
  readonly [k: string]: unknown;
}

export type Action = "no-op" | "create" | "read" | "update" | "delete" | "forget";

export interface ResourceChange {
  readonly address: string;
  readonly previous_address?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly change: {
    readonly actions: readonly Action[];
    readonly before: any;
    readonly after: any;
    readonly after_unknown?: any;
    readonly before_sensitive?: any;
    readonly after_sensitive?: any;
    /** Attribute paths that force replacement, e.g. [["metadata", 0, "name"]]. */
    readonly replace_paths?: ReadonlyArray<ReadonlyArray<string | number>>;
    /** Set when this change imports an existing object (terraform >= 1.5). */
    readonly importing?: { readonly id?: string; readonly identity?: unknown };
  };
  /** e.g. replace_because_cannot_update, delete_because_no_resource_config. */
  readonly action_reason?: string;
}

export interface PolicyContext {
  readonly plan: PlanJson;
  readonly facts: PolicyFacts;
  /** Addresses the operator allowed to be destroyed (`--allow-destroy ADDRESS=reason`), with the reason. */
  readonly allowDestroy: ReadonlyMap<string, string>;
}

export interface PolicyRule {
  /** Stable id (PL001...), used in acknowledgements. */
  readonly id: string;
  /** Short name. */
  readonly name: string;
  /** What it protects and the incident class behind it, in one sentence. */
  readonly protects: string;
  /** Whether an operator may acknowledge this rule's errors (warnings always can be). */
  readonly errorsAcknowledgeable: boolean;
  readonly check: (ctx: PolicyContext) => PolicyFinding[];
}

/** A finding builder bound to one rule. */
export function finder(id: string) {
  return (severity: Severity, f: Omit<PolicyFinding, "id" | "severity">): PolicyFinding => ({ id, severity, ...f });
}
