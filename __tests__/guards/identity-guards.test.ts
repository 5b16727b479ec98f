/**
 * AK011-AK015, the identity layer's guards: the real stack is compliant, and a realistic mutation of the
 * real synthesized stack fires exactly the guard that protects it.
 */
import { GUARDS, runGuards, formatFinding } from "../../guards/registry";
import { StackJson } from "../../guards/types";
import { ADMIN_GROUP, DEFAULT_IDENTITY, TARGETS_MARKER } from "../../config/identity";
import { loadConfig } from "../../config";
import { clone, guardContext } from "../support/stack-json";
import { mutationBaseline } from "../support/findings";

const { base, added } = mutationBaseline();
const IDENTITY = ["AK011", "AK012", "AK013", "AK014", "AK015"];

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
    // and nothing else either: each identity guard returns an empty list, not merely no finding of its id
    const identityGuards = GUARDS.filter((x) => IDENTITY.includes(x.id));
    expect(identityGuards.map((g) => g.id)).toStrictEqual(IDENTITY); // all five registered, so the loop below runs for each
    for (const g of identityGuards) expect([g.id, g.check(guardContext(base()))]).toStrictEqual([g.id, []]);
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
  it("names the flow in its message, and a literal target as not a stage binding", () => {
    expect(added(bind("${data.authentik_flow.default_authorization_implicit_consent.id}"))[0].message).toContain("to a flow");
    const f = added(bind("34618cf3-0000-4000-8000-000000000000"))[0];
    expect(f.message).toContain("not a stage binding");
    expect(f.actual).toBe('"34618cf3-0000-4000-8000-000000000000"');
  });
  it("fires for a looked-up stage binding (data source): it is not a binding of this stack", () => {
    expect(ids(bind("${data.authentik_flow_stage_binding.password.id}"))).toEqual(["AK011"]);
  });
  it("judges only reputation policies: another policy, or a literal policy id, on a flow is not its concern", () => {
    const on = (policy: string) => mutate((r) => (r.authentik_policy_binding.other_on_flow = { policy, target: "${authentik_flow.invitation_enrollment.uuid}", order: 0 }));
    expect(ids(on("${authentik_policy_expression.invitation_group_assignment.id}"))).toEqual([]);
    expect(ids(on("34618cf3-0000-4000-8000-000000000000"))).toEqual([]);
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
  it("says which stages tie for the first position", () => {
    const f = added(mutate((r) => (r.authentik_flow_stage_binding.invitation_enrollment_20.order = 10)))[0];
    expect(f.message).toContain("2 stages share the first position (order 10)");
    expect(f.actual).toBe("authentik_stage_invitation.invitation_validation@10, authentik_stage_identification.enrollment_identification@10");
  });
  it("names the stage that runs first instead of the invitation stage", () => {
    const f = added(mutate((r) => (r.authentik_flow_stage_binding.invitation_enrollment_20.order = 5)))[0];
    expect(f.message).toContain("is authentik_stage_identification.enrollment_identification, not the invitation stage");
    expect(f.address).toBe("authentik_flow_stage_binding.invitation_enrollment_20");
  });
  it("fires when the flow has no stage bindings at all", () => {
    const s = mutate((r) => delete r.authentik_flow_stage_binding);
    expect(ids(s)).toEqual(["AK012"]);
    expect(added(s)[0]).toMatchObject({ address: "authentik_flow.invitation_enrollment", actual: "no bindings" });
  });
  it("judges by order, not by position in the JSON: the invitation binding written last still runs first", () => {
    expect(ids(mutate((r) => {
      const b = r.authentik_flow_stage_binding;
      const inv = b.invitation_enrollment_10;
      delete b.invitation_enrollment_10;
      b.invitation_enrollment_10 = inv;
    }))).toEqual([]);
  });
  it("orders numerically (order 9 runs before 10), also when an order is written as a string", () => {
    expect(ids(mutate((r) => (r.authentik_flow_stage_binding.invitation_enrollment_20.order = 9)))).toEqual(["AK012"]);
    expect(ids(mutate((r) => (r.authentik_flow_stage_binding.invitation_enrollment_20.order = "9")))).toEqual(["AK012"]);
    expect(ids(mutate((r) => (r.authentik_flow_stage_binding.invitation_enrollment_10.order = "10")))).toEqual([]);
  });
  it("fires when the first stage is a looked-up invitation stage (data source): its settings are not in the stack", () => {
    expect(ids(mutate((r) => (r.authentik_flow_stage_binding.invitation_enrollment_10.stage = "${data.authentik_stage_invitation.invitation_validation.id}")))).toEqual(["AK012"]);
  });
  it("counts only bindings of this flow: ones on another flow, a looked-up flow, another type or a literal target are not its stages", () => {
    for (const target of ["${authentik_flow.other_enrollment.uuid}", "${data.authentik_flow.invitation_enrollment.uuid}", "${authentik_stage_prompt.invitation_enrollment.id}", "1b9a3c4d-0000-4000-8000-000000000000"]) {
      const s = mutate((r) => (r.authentik_flow_stage_binding.elsewhere = { target, stage: "${authentik_stage_identification.enrollment_identification.id}", order: 1 }));
      expect([target, ids(s)]).toEqual([target, []]);
    }
  });
  it("judges only enrollment flows: an authentication flow without bindings is not its concern", () => {
    expect(ids(mutate((r) => (r.authentik_flow.sign_in = { name: "sign-in", slug: "sign-in", title: "Sign in", designation: "authentication" })))).toEqual([]);
  });
  it("accepts an invitation stage that does not say whether users without an invitation continue (authentik's default: they don't)", () => {
    expect(ids(mutate((r) => delete r.authentik_stage_invitation.invitation_validation.continue_flow_without_invitation))).toEqual([]);
  });
  it("names the invitation stage that lets users without an invitation continue", () => {
    const f = added(mutate((r) => (r.authentik_stage_invitation.invitation_validation.continue_flow_without_invitation = true)))[0];
    expect(f).toMatchObject({ address: "authentik_stage_invitation.invitation_validation", attribute: "continue_flow_without_invitation", expected: "false", actual: "true" });
  });
  it("fires when the first stage is a literal id (no stage of the stack)", () => {
    const s = mutate((r) => (r.authentik_flow_stage_binding.invitation_enrollment_10.stage = "2c4e0000-0000-4000-8000-000000000000"));
    expect(ids(s)).toEqual(["AK012"]);
    expect(added(s)[0].actual).toBe('"2c4e0000-0000-4000-8000-000000000000"@10');
  });
  it("fires when the first stage is an invitation stage the stack does not declare (its settings can't be judged)", () => {
    for (const change of [(r: any) => (r.authentik_flow_stage_binding.invitation_enrollment_10.stage = "${authentik_stage_invitation.elsewhere.id}"), (r: any) => delete r.authentik_stage_invitation]) {
      const s = mutate(change);
      expect(ids(s)).toEqual(["AK012"]);
      expect(added(s)[0]).toMatchObject({ address: "authentik_flow_stage_binding.invitation_enrollment_10", attribute: "stage" });
    }
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
  it("says so when the group is unset or null", () => {
    expect(added(mutate((r) => delete uw(r).create_users_group))[0]).toMatchObject({ message: "creates users in no group", actual: "unset" });
    expect(added(mutate((r) => (uw(r).create_users_group = null)))[0]).toMatchObject({ message: "creates users in no group", actual: "null" });
  });
  it("fires on a looked-up group (data source): not a group this stack declares", () => {
    const s = mutate((r) => (uw(r).create_users_group = "${data.authentik_group.allow_login_users.id}"));
    expect(ids(s)).toEqual(["AK013"]);
    expect(added(s)[0].message).toContain("references data.authentik_group.allow_login_users.id, which is not a group id this stack declares");
  });
  it("fires on a group's attribute other than its id (the name is no group id)", () => {
    const s = mutate((r) => (uw(r).create_users_group = "${authentik_group.allow_login_users.name}"));
    expect(ids(s)).toEqual(["AK013"]);
    expect(added(s)[0].message).toContain("references authentik_group.allow_login_users.name, which is not a group id this stack declares");
  });
  it("fires on a reference to something that is not a group", () => {
    const s = mutate((r) => (uw(r).create_users_group = "${authentik_stage_prompt.enrollment_prompt.id}"));
    expect(ids(s)).toEqual(["AK013"]);
    expect(added(s)[0].message).toContain("a literal or a lookup");
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
  it("fires when an invitation could grant a group below the admin group (members inherit superuser)", () => {
    const s = mutate((r) => (r.authentik_group.headscale_users.parents = ["${authentik_group.allow_login_users.id}", "${authentik_group.authentik_admins.id}"]));
    const f = added(s).filter((x) => x.id === "AK014");
    expect(f.map((x) => x.actual)).toEqual(["Headscale Users"]);
    expect(f[0].message).toContain("superusers");
  });
  it("follows parents through several levels", () => {
    const s = mutate((r) => (r.authentik_group.allow_login_users.parents = ["${authentik_group.authentik_admins.id}"]));
    expect(added(s).filter((x) => x.id === "AK014").map((x) => x.actual).sort()).toEqual(["Headscale Users", "Home Server Admins", "Wrongmove Users"]);
  });
  it("follows only group references: a literal parent id, or another type's reference, grants nothing it can see", () => {
    const s = mutate((r) => (r.authentik_group.headscale_users.parents = ["5a1c9e2e-0000-4000-8000-000000000000", "${authentik_flow.authentik_admins.uuid}", "${authentik_group.no_such_group.id}"]));
    expect(added(s).filter((x) => x.id === "AK014")).toEqual([]);
  });
  it("terminates on a cycle of parents", () => {
    const s = mutate((r) => {
      r.authentik_group.headscale_users.parents = ["${authentik_group.home_server_admins.id}"];
      r.authentik_group.home_server_admins.parents = ["${authentik_group.headscale_users.id}"];
    });
    expect(added(s).filter((x) => x.id === "AK014")).toEqual([]);
  });
  it("judges only expressions that read fixed_data: another expression policy needs no allow-list", () => {
    expect(ids(mutate((r) => (r.authentik_policy_expression.office_hours = { name: "office-hours", expression: "return request.http_request.path != '/'" })))).toEqual([]);
  });
  it("lists the stack's groups when a target is missing", () => {
    const f = added(mutate((r) => setTargets(r, ["Matrix Users"])))[0];
    expect(f.expected).toContain("Allow Login Users");
    expect(f.expected).toContain("Wrongmove Users");
  });
  it("names the policy that reads fixed_data without an allow-list", () => {
    const f = added(mutate((r) => {
      const p = r.authentik_policy_expression.invitation_group_assignment;
      p.expression = p.expression.split("\n").filter((l: string) => !l.startsWith(TARGETS_MARKER)).join("\n");
    }))[0];
    expect(f).toMatchObject({ address: "authentik_policy_expression.invitation_group_assignment", attribute: "expression", actual: "no such line" });
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
  it("reports a superuser group once, for its own flag, even when it also sits below the admin group", () => {
    const s = mutate((r) => {
      r.authentik_group.kubernetes_admins.is_superuser = true;
      r.authentik_group.kubernetes_admins.parents = ["${authentik_group.authentik_admins.id}"];
    });
    expect(added(s).map((x) => [x.id, x.address, x.attribute])).toEqual([["AK015", "authentik_group.kubernetes_admins", "is_superuser"]]);
  });
  it("finds a superuser ancestor several levels up, and reports each group once", () => {
    const s = mutate((r) => (r.authentik_group.allow_login_users.parents = ["${authentik_group.authentik_admins.id}"]));
    const f = added(s).filter((x) => x.id === "AK015");
    expect(f.map((x) => x.address).sort()).toEqual(["authentik_group.allow_login_users", "authentik_group.headscale_users", "authentik_group.home_server_admins", "authentik_group.wrongmove_users"]);
    expect(f.find((x) => x.address === "authentik_group.headscale_users")!.actual).toBe("authentik_group.authentik_admins");
  });
  it("reports a group below two superuser groups once", () => {
    const s = mutate((r) => {
      r.authentik_group.kubernetes_admins.is_superuser = true;
      r.authentik_group.task_submitters.parents = ["${authentik_group.authentik_admins.id}", "${authentik_group.kubernetes_admins.id}"];
    });
    expect(added(s).filter((x) => x.address === "authentik_group.task_submitters").length).toBe(1);
  });
  it("the admin group is the config's identity.adminGroup: renamed there, the renamed group may be a superuser group and no other may", () => {
    const renamed = mutate((r) => (r.authentik_group.authentik_admins.name = "Platform Admins"));
    const withDefault = runGuards(guardContext(renamed)).findings.filter((x) => x.id === "AK015");
    expect(withDefault.map((x) => `${x.address} ${x.attribute}`)).toEqual(["authentik_group.authentik_admins is_superuser"]);
    const cfg = loadConfig({ identity: { adminGroup: "Platform Admins", groups: DEFAULT_IDENTITY.groups.map((g) => (g.name === ADMIN_GROUP ? { ...g, name: "Platform Admins" } : g)) } } as any);
    expect(runGuards(guardContext(renamed, cfg)).findings.filter((x) => x.id === "AK015")).toEqual([]);
    // and the old name is no longer special
    const both = mutate((r) => {
      r.authentik_group.authentik_admins.name = "Platform Admins";
      r.authentik_group.kubernetes_admins.name = ADMIN_GROUP;
      r.authentik_group.kubernetes_admins.is_superuser = true;
    });
    expect(runGuards(guardContext(both, cfg)).findings.filter((x) => x.id === "AK015").map((x) => x.address)).toEqual(["authentik_group.kubernetes_admins"]);
  });
  it("follows only group references of the stack, and terminates on a cycle", () => {
    const s = mutate((r) => {
      r.authentik_group.task_submitters.parents = ["5a1c9e2e-0000-4000-8000-000000000000", "${authentik_flow.authentik_admins.uuid}", "${authentik_group.no_such_group.id}", "${authentik_group.kubernetes_admins.id}"];
      r.authentik_group.kubernetes_admins.parents = ["${authentik_group.task_submitters.id}"];
    });
    expect(added(s).filter((x) => x.id === "AK015")).toEqual([]);
  });
});
