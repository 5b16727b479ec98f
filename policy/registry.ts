/** All plan-policy rules, and running them with acknowledgements and destroy allowances. */
import { statefulDestroyRule } from "./stateful-destroy";
import { helmValuesTextRule } from "./helm-values-text";
import { imageDowngradeRule } from "./image-downgrade";
import { unpinnedImageRule } from "./unpinned-image";
import { importChangesRule } from "./import-changes";
import { judgeableRule, planShapeProblems } from "./judgeable";
import { PlanJson, PolicyFacts, PolicyFinding, PolicyRule } from "./types";

export const RULES: readonly PolicyRule[] = [statefulDestroyRule, helmValuesTextRule, imageDowngradeRule, unpinnedImageRule, importChangesRule, judgeableRule];

/** An operator's acknowledgement: the rule id and why (`--ack PL004=reason`). */
export interface PolicyAcknowledgement {
  readonly id: string;
  readonly reason: string;
}

export class PolicyInputError extends Error {}

const MIN_REASON = 10;

/** Parses `ID=reason` / `ADDRESS=reason` option values; a reason of at least 10 characters is required. */
export function parseReasoned(flag: string, value: string): { key: string; reason: string } {
  const [key, ...rest] = value.split("=");
  const reason = rest.join("=").trim();
  if (!key) throw new PolicyInputError(`--${flag} ${JSON.stringify(value)}: nothing before '='; expected --${flag} ${flag === "ack" ? "ID" : "ADDRESS"}=<reason>`);
  if (reason.length < MIN_REASON) throw new PolicyInputError(`--${flag} ${key}: a written reason is required (at least ${MIN_REASON} characters after '='), got ${JSON.stringify(reason)}; e.g. --${flag} ${key}="ticket 42: intended, data exported first"`);
  return { key, reason };
}

/** Validates acknowledgements: a known rule id, a reason, and only rules whose errors may be acknowledged (or that warn). */
export function checkPolicyAcknowledgements(acks: readonly PolicyAcknowledgement[], rules: readonly PolicyRule[] = RULES): void {
  for (const a of acks) {
    const rule = rules.find((r) => r.id === a.id);
    if (!rule) throw new PolicyInputError(`--ack ${a.id}: unknown policy rule; allowed: ${rules.map((r) => r.id).join(", ")}`);
    if (typeof a.reason !== "string" || a.reason.trim().length < MIN_REASON) throw new PolicyInputError(`--ack ${a.id}: a written reason is required (at least ${MIN_REASON} characters)`);
    if (!rule.errorsAcknowledgeable) {
      const how = rule.id === "PL001" ? " (a destroy is allowed per address: --allow-destroy ADDRESS=reason)" : "";
      throw new PolicyInputError(`--ack ${a.id}: ${rule.id} (${rule.name}) refusals can't be acknowledged${how}; acknowledgeable: ${rules.filter((r) => r.errorsAcknowledgeable).map((r) => r.id).join(", ")}`);
    }
  }
}

/** Terraform resource address syntax (module path, type.name, optional [index] or ["key"]). */
const ADDRESS = /^(module\.[A-Za-z0-9_-]+(\[[^\]]+\])?\.)*[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(\[[^\]]+\])?$/;

export function checkAllowDestroy(allow: ReadonlyMap<string, string>): void {
  for (const [address, reason] of allow) {
    if (!ADDRESS.test(address)) throw new PolicyInputError(`--allow-destroy ${address}: not a resource address; expected e.g. --allow-destroy kubernetes_secret_v1.tls=<reason> (copy it from the refusal)`);
    if (reason.trim().length < MIN_REASON) throw new PolicyInputError(`--allow-destroy ${address}: a written reason is required (at least ${MIN_REASON} characters)`);
  }
}

export interface PolicyOptions {
  readonly acks?: readonly PolicyAcknowledgement[];
  readonly allowDestroy?: ReadonlyMap<string, string>;
  readonly rules?: readonly PolicyRule[];
}

export interface PolicyReport {
  readonly findings: PolicyFinding[];
  /** Errors neither acknowledged nor allowed: any refuses the plan. */
  readonly errors: number;
  /** Warnings not acknowledged. */
  readonly warnings: number;
  readonly acknowledged: number;
  readonly allowed: number;
  /** --allow-destroy addresses the plan does not destroy (shown, so a stale allowance is noticed). */
  readonly unusedAllowances: string[];
  readonly refused: boolean;
}

/**
 * Runs every rule over a `terraform show -json` plan (anything: an unreadable one is refused by PL006
 * and no other rule runs), then applies acknowledgements and destroy allowances.
 */
export function runPolicy(plan: unknown, facts: PolicyFacts, o: PolicyOptions = {}): PolicyReport {
  const rules = o.rules ?? RULES;
  const acks = o.acks ?? [];
  const allowDestroy = o.allowDestroy ?? new Map<string, string>();
  checkPolicyAcknowledgements(acks, rules);
  checkAllowDestroy(allowDestroy);
  const readable = planShapeProblems(plan).length === 0;
  const ctx = { plan: plan as PlanJson, facts, allowDestroy };
  const raw = readable ? rules.flatMap((r) => r.check(ctx)) : judgeableRule.check(ctx);
  // every ack names a rule whose refusals may be acknowledged (checked above), so an ack covers its rule's findings
  const findings = raw.map((fi) => {
    const ack = acks.find((a) => a.id === fi.id);
    return ack ? { ...fi, acknowledged: { reason: ack.reason } } : fi;
  });
  const destroyed = new Set(findings.filter((x) => x.id === "PL001").map((x) => x.address));
  const errors = findings.filter((x) => x.severity === "error" && !x.acknowledged && !x.allowed).length;
  return {
    findings,
    errors,
    warnings: findings.filter((x) => x.severity === "warning" && !x.acknowledged).length,
    acknowledged: findings.filter((x) => x.acknowledged).length,
    allowed: findings.filter((x) => x.allowed).length,
    unusedAllowances: [...allowDestroy.keys()].filter((a) => !destroyed.has(a)),
    refused: errors > 0,
  };
}

/** One line per finding: `PL001 error address: message. Fix: ... [acknowledged: reason]`. */
export function formatPolicyFinding(fi: PolicyFinding): string {
  const note = fi.acknowledged ? ` [acknowledged: ${fi.acknowledged.reason}]` : fi.allowed ? ` [destroy allowed: ${fi.allowed.reason}]` : "";
  return `${fi.id} ${fi.severity} ${fi.message.replace(/\.$/, "")}. Fix: ${fi.fix}${note}`;
}
