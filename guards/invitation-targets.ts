/**
 * AK014 invitation target groups. The group-assignment policy adds an enrolling user to the group an
 * invitation names; every group it may grant must be a group of this stack (a missing one fails the
 * enrollment at its last step) and none may make its members superusers (an invitation link must never
 * hand out admin rights).
 */
import { resourcesOf } from "./read/stack-json";
import { invitationTargetsOf, TARGETS_MARKER } from "../config/identity";
import { refOf } from "./read/identity-refs";
import { Finding, Guard, StackJson, finder } from "./types";

const ID = "AK014";
const f = finder(ID);

/** Group name -> whether it (or an ancestor) is a superuser group, from the stack's groups. */
export function groupsOf(stack: StackJson): Map<string, { address: string; superuser: boolean }> {
  const groups = resourcesOf(stack, "authentik_group");
  const byName = new Map(groups.map((g) => [g.name, g]));
  const su = (name: string, seen = new Set<string>()): boolean => {
    const g = byName.get(name);
    if (!g || seen.has(name)) return false;
    seen.add(name);
    if (g.values.is_superuser === true) return true;
    return ((g.values.parents ?? []) as unknown[]).some((p) => {
      const r = refOf(p);
      return !!r && r.type === "authentik_group" && su(r.name, seen);
    });
  };
  return new Map(groups.map((g) => [String(g.values.name), { address: g.address, superuser: su(g.name) }]));
}

export const invitationTargetsGuard: Guard = {
  id: ID,
  name: "invitation-target-groups",
  protects: "what an invitation can grant: every group it may target exists in the stack and none is a superuser group",
  check: ({ stack }) => {
    const out: Finding[] = [];
    const groups = groupsOf(stack);
    for (const p of resourcesOf(stack, "authentik_policy_expression")) {
      const text = String(p.values.expression ?? "");
      if (!text.includes("fixed_data")) continue;
      const targets = invitationTargetsOf(text);
      if (!targets) {
        out.push(f("error", { address: p.address, attribute: "expression", message: "reads an invitation's fixed_data without a readable list of the groups it may grant, so any group name in an invitation is honoured", expected: `a line '${TARGETS_MARKER}[...]' (JSON list of group names)`, actual: "no such line", fix: "Build the expression with groupAssignmentExpression() from config/identity.ts." }));
        continue;
      }
      for (const t of targets) {
        const g = groups.get(t);
        if (!g) {
          out.push(f("error", { address: p.address, attribute: "expression", message: `an invitation may target group '${t}', which is not a group of the stack; enrollment would fail at its last step`, expected: `one of ${[...groups.keys()].join(", ")}`, actual: t, fix: "Add the group under identity.groups or remove it from identity.invitationTargetGroups." }));
        } else if (g.superuser) {
          out.push(f("error", { address: p.address, attribute: "expression", message: `an invitation may target group '${t}', whose members are superusers (${g.address})`, expected: "groups without superuser rights", actual: t, fix: `Remove '${t}' from identity.invitationTargetGroups; grant admin rights by hand (invite assign).` }));
        }
      }
    }
    return out;
  },
};
