/**
 * AK011-AK015, the identity layer's guards: the real stack is compliant, and a realistic mutation of the
 * real synthesized stack fires exactly the guard that protects it.
 */
import { runGuards, formatFinding } from "../../guards/registry";
import { Finding, StackJson } from "../../guards/types";
import { TARGETS_MARKER } from "../../config/identity";
import { clone, guardContext, realStackJson } from "../support/stack-json";

// Lazy, so the work happens inside a test: mutation testing runs one test per mutant and must not pay for
// a synth at load time (realStackJson reads npm run mutation's synthesized JSON, or synthesizes in memory).
let synthesized: StackJson | undefined;
const base = (): StackJson => (synthesized ??= realStackJson());
const key = (f: Finding) => `${f.id}|${f.address}|${f.attribute}|${f.message}`;
let baselineKeys: Set<string> | undefined;
const baseline = () => (baselineKeys ??= new Set(runGuards(guardContext(base())).findings.map(key)));
const IDENTITY = ["AK011", "AK012", "AK013", "AK014", "AK015"];

function added(stack: StackJson): Finding[] {
  return runGuards(guardContext(stack)).findings.filter((f) => !baseline().has(key(f)));
}
const ids = (stack: StackJson) => [...new Set(added(stack).map((f) => f.id))].sort();
function mutate(fn: (r: any) => void): StackJson {
  const s = clone(base()) as any;
  fn(s.resource);
  return s;
}
const setTargets = (r: any, targets: string[]) => {
  const p = r.authentik_policy_expression.invitation_group_assignment;
  p.expression = p.expression.split("\n").map((l: string) => (l.startsWith(TARGETS_MARKER) ? `${TARGETS_MARKER}${JSON.stringify(targets)}` : l)).join("\n");
};

describe("the real stack and the identity guards", () => {
  it("has no identity finding at all", () => {
    expect(runGuards(guardContext(base())).findings.filter((f) => IDENTITY.includes(f.id)).map(formatFinding)).toEqual([]);
  });
  it("synthesizes the brute-force policy with no binding, and the assignment policy bound to the login stage binding", () => {
    const r: any = base().resource;
    expect(Object.values<any>(r.authentik_policy_binding).map((b) => [b.policy, b.target])).toEqual([
      ["${authentik_policy_expression.invitation_group_assignment.id}", "${authentik_flow_stage_binding.invitation_enrollment_50.id}"],
    ]);
    expect(r.authentik_policy_reputation.brute_force_protection).toMatchObject({ check_username: true, check_ip: true, threshold: -5 });
  });
});

describe("AK011 reputation policy never on a flow", () => {
  const bind = (target: string) =>
    mutate((r) => (r.authentik_policy_binding.brute_force_on_flow = { policy: "${authentik_policy_reputation.brute_force_protection.id}", target, order: 0 }));
  it("fires when the policy is bound to the enrollment flow itself", () => {
    const s = bind("${authentik_flow.invitation_enrollment.uuid}");
    expect(ids(s)).toEqual(["AK011"]);
    expect(added(s)[0].message).toContain("Flow does not apply to current user");
  });
  it("fires for the incident's binding: a looked-up authentication flow (data source)", () => {
    expect(ids(bind("${data.authentik_flow.default_authorization_implicit_consent.id}"))).toEqual(["AK011"]);
  });
  it("fires for a literal target it cannot verify", () => {
    expect(ids(bind("34618cf3-0000-4000-8000-000000000000"))).toEqual(["AK011"]);
  });
  it("stays quiet when bound to a stage binding (the fix the seed recommends)", () => {
    expect(ids(bind("${authentik_flow_stage_binding.invitation_enrollment_20.id}"))).toEqual([]);
  });
});

describe("AK012 enrollment starts with the invitation stage", () => {
  it("fires when identification is moved before the invitation stage", () => {
    const s = mutate((r) => (r.authentik_flow_stage_binding.invitation_enrollment_20.order = 5));
    expect(ids(s)).toEqual(["AK012"]);
    expect(added(s)[0].actual).toContain("authentik_stage_identification.enrollment_identification@5");
  });
  it("fires when two stages share the first position", () => {
    expect(ids(mutate((r) => (r.authentik_flow_stage_binding.invitation_enrollment_20.order = 10)))).toEqual(["AK012"]);
  });
  it("fires when the invitation stage lets users without an invitation continue", () => {
    expect(ids(mutate((r) => (r.authentik_stage_invitation.invitation_validation.continue_flow_without_invitation = true)))).toEqual(["AK012"]);
  });
  it("fires when the invitation stage's binding is removed", () => {
    expect(ids(mutate((r) => delete r.authentik_flow_stage_binding.invitation_enrollment_10))).toEqual(["AK012"]);
  });
});

describe("AK013 the user write stage's group exists in the stack", () => {
  const uw = (r: any) => r.authentik_stage_user_write.enrollment_user_write;
  it("fires on a literal group id", () => {
    expect(ids(mutate((r) => (uw(r).create_users_group = "5a1c9e2e-0000-4000-8000-000000000000")))).toEqual(["AK013"]);
  });
  it("fires when no group is set", () => {
    expect(ids(mutate((r) => delete uw(r).create_users_group))).toEqual(["AK013"]);
  });
  it("fires when it references a group the stack no longer declares", () => {
    const s = mutate((r) => {
      delete r.authentik_group.task_submitters;
      uw(r).create_users_group = "${authentik_group.task_submitters.id}";
    });
    expect(ids(s)).toEqual(["AK013"]);
  });
});

describe("AK014 every group an invitation may target exists and is not a superuser group", () => {
  it("fires when a target group is not in the stack", () => {
    const s = mutate((r) => setTargets(r, ["Headscale Users", "Home Server Admins", "Wrongmove Users", "Matrix Users"]));
    expect(ids(s)).toEqual(["AK014"]);
    expect(added(s)[0].actual).toBe("Matrix Users");
  });
  it("fires when a target group is removed from the stack", () => {
    expect(ids(mutate((r) => delete r.authentik_group.wrongmove_users))).toEqual(["AK014"]);
  });
  it("fires when an invitation could grant the admin group", () => {
    const s = mutate((r) => setTargets(r, ["Headscale Users", "authentik Admins"]));
    expect(ids(s)).toEqual(["AK014"]);
    expect(added(s)[0].message).toContain("superusers");
  });
  it("fires when the expression reads fixed_data without an allow-list", () => {
    const s = mutate((r) => {
      const p = r.authentik_policy_expression.invitation_group_assignment;
      p.expression = p.expression.split("\n").filter((l: string) => !l.startsWith(TARGETS_MARKER)).join("\n");
    });
    expect(ids(s)).toEqual(["AK014"]);
  });
});

describe("AK015 only the admin group is a superuser group", () => {
  it("fires when another group is made a superuser group", () => {
    const s = mutate((r) => (r.authentik_group.kubernetes_admins.is_superuser = true));
    expect(ids(s)).toEqual(["AK015"]);
    expect(added(s)[0].address).toBe("authentik_group.kubernetes_admins");
  });
  it("fires when a group is moved below the admin group (members inherit superuser)", () => {
    const s = mutate((r) => (r.authentik_group.task_submitters.parents = ["${authentik_group.authentik_admins.id}"]));
    expect(ids(s)).toEqual(["AK015"]);
    expect(added(s)[0].attribute).toBe("parents");
  });
});
