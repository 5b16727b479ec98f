/**
 * PL006 What the policy can't judge is refused, not passed. An empty, truncated or foreign plan file, a
 * plan terraform marked errored or incomplete, an action terraform added after this code, or a resource
 * type the policy has no class for would otherwise pass every rule by saying nothing (fail-open, as
 * plan-to-zero once judged a malformed `show -json` "No changes").
 */
import { KNOWN_ACTIONS, changeKind } from "./plan-json";
import { resourceClass } from "./resource-classes";
import { PolicyFinding, PolicyRule, finder } from "./types";

const ID = "PL006";
const f = finder(ID);
const PLAN = "(plan)";

/** Problems that make the plan unreadable as a whole; when any, no other rule runs. */
export function planShapeProblems(plan: unknown): string[] {
  if (plan === null || typeof plan !== "object" || Array.isArray(plan)) return [`the plan is not a JSON object (got ${plan === null ? "null" : Array.isArray(plan) ? "an array" : typeof plan})`];
  const p = plan as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof p.format_version !== "string" || !/^1\./.test(p.format_version)) problems.push(`format_version is ${JSON.stringify(p.format_version)}; this policy reads terraform's plan format 1.x`);
  if (!Array.isArray(p.resource_changes)) {
    problems.push(`resource_changes is ${p.resource_changes === undefined ? "missing" : "not a list"}: a plan of this stack always lists its resources`);
    return problems;
  }
  p.resource_changes.forEach((rc: any, i: number) => {
    const where = `resource_changes[${i}]${typeof rc?.address === "string" ? ` (${rc.address})` : ""}`;
    if (!rc || typeof rc !== "object") return problems.push(`${where} is not an object`);
    if (typeof rc.address !== "string" || typeof rc.type !== "string") problems.push(`${where} has no address or type`);
    if (rc.mode !== "managed" && rc.mode !== "data") problems.push(`${where} has mode ${JSON.stringify(rc.mode)}; expected managed or data`);
    if (!Array.isArray(rc.change?.actions) || rc.change.actions.length === 0) problems.push(`${where} has no change.actions`);
    return undefined;
  });
  return problems;
}

export const judgeableRule: PolicyRule = {
  id: ID,
  name: "judgeable-plan",
  protects: "deploys from passing a plan the policy can't read or a resource it doesn't know (fail closed, never open)",
  errorsAcknowledgeable: false,
  check: ({ plan }) => {
    const shape = planShapeProblems(plan);
    const fix = "Plan again with this tool (`authentik-stack deploy --dry-run`) using terraform >= 1.5; don't hand it a plan file from elsewhere.";
    if (shape.length) return shape.map((m) => f("error", { address: PLAN, message: `unreadable plan: ${m}`, fix }));
    const out: PolicyFinding[] = [];
    if (plan.errored === true) out.push(f("error", { address: PLAN, message: "terraform marked the plan errored: it is incomplete", fix: "Fix the error terraform printed and plan again." }));
    if (plan.complete === false || (Array.isArray(plan.deferred_changes) && plan.deferred_changes.length)) {
      out.push(f("error", { address: PLAN, message: "the plan is incomplete (deferred changes): what the next apply does can't be judged", fix: "Apply in steps so that every change is known at plan time." }));
    }
    for (const rc of plan.resource_changes) {
      const unknownActions = rc.change.actions.filter((x) => !KNOWN_ACTIONS.has(x));
      if (unknownActions.length) {
        out.push(f("error", { address: rc.address, message: `${rc.address}: action(s) ${unknownActions.join(", ")} are unknown to this policy`, fix: "Update the policy (policy/plan-json.ts) for this terraform version before deploying with it." }));
        continue;
      }
      const kind = changeKind(rc);
      if (!kind) {
        out.push(f("error", { address: rc.address, message: `${rc.address}: the action combination ${rc.change.actions.join("+")} is unknown to this policy`, fix: "Update the policy (policy/plan-json.ts) for this terraform version before deploying with it." }));
        continue;
      }
      if (rc.mode !== "managed" || kind === "no-op" || kind === "read") continue;
      if (!resourceClass(rc.type)) {
        out.push(
          f("error", {
            address: rc.address,
            message: `${rc.address}: resource type ${rc.type} is unknown to the policy, so whether destroying it loses state can't be judged`,
            fix: `Classify ${rc.type} in policy/resource-classes.ts (stateful or not, and why), with a test, before deploying it.`,
          }),
        );
      }
    }
    return out;
  },
};
