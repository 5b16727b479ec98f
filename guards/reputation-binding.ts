/**
 * AK011 reputation policy placement. A reputation policy scores the username and client IP; bound to a
 * flow it is evaluated before anyone has entered a username, fails, and denies every unauthenticated
 * user ("Flow does not apply to current user": the brute-force-protection incident). It may only be
 * bound to a flow-stage binding (e.g. the password stage's), never to a flow or anything else.
 */
import { resourcesOf } from "./read/stack-json";
import { describe, refOf } from "./read/identity-refs";
import { Finding, Guard, finder } from "./types";

const ID = "AK011";
const f = finder(ID);

export const reputationBindingGuard: Guard = {
  id: ID,
  name: "reputation-policy-binding",
  protects: "sign-in for unauthenticated users: a reputation policy bound at flow level denies everyone before a username exists",
  check: ({ stack }) => {
    const out: Finding[] = [];
    for (const b of resourcesOf(stack, "authentik_policy_binding")) {
      const policy = refOf(b.values.policy);
      if (policy?.type !== "authentik_policy_reputation") continue;
      const target = refOf(b.values.target);
      if (target?.type === "authentik_flow_stage_binding" && !target.data) continue;
      const onFlow = target?.type === "authentik_flow";
      out.push(
        f("error", {
          address: b.address,
          attribute: "target",
          message: onFlow
            ? `binds reputation policy ${policy.address} to a flow; it runs before any username is entered, fails, and denies every unauthenticated user ("Flow does not apply to current user")`
            : `binds reputation policy ${policy.address} to something that is not a stage binding of this stack`,
          expected: "a reference to an authentik_flow_stage_binding (e.g. the password stage's binding)",
          actual: describe(b.values.target),
          fix: "Bind the reputation policy to the password stage's authentik_flow_stage_binding, or leave it unbound.",
        }),
      );
    }
    return out;
  },
};
