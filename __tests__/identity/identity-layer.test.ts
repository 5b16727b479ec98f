/**
 * The identity layer as synthesized: the seed's groups, flow, stages, bindings and policies (expected
 * values written here from ../shared/seed/authentik-seed.md, not read from config/identity.ts), no provider
 * default left to chance, config validation, and adoption through import blocks.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { ROOT, identityAddresses, synthJson } from "../support/synth";
import { loadConfig } from "../../config/load";
import { AuthentikStack, readImports } from "../../constructs/authentik-stack";
import { DEFAULT_IDENTITY, IdentityConfig, identityProblems, isSuperuserGroup, invitationTargetsOf, groupAssignmentExpression } from "../../config/identity";
import { formatAdoption, parseAdoption } from "../../config/adoption";

const json: any = synthJson();
const R = json.resource;
const byRef = (ref: string) => {
  const m = /^\$\{(data\.)?([a-z0-9_]+)\.([a-z0-9_]+)\.[a-z_]+\}$/.exec(ref)!;
  return (m[1] ? json.data : R)[m[2]][m[3]];
};

describe("the seed's identity objects", () => {
  it("has the nine groups with their parents and superuser flags", () => {
    const groups = Object.values<any>(R.authentik_group).map((g) => [g.name, (g.parents ?? []).map((p: string) => byRef(p).name).join(",") || "--", g.is_superuser ? "Yes" : "No"]);
    expect(groups.sort()).toEqual(
      [
        ["Allow Login Users", "--", "No"],
        ["authentik Admins", "--", "Yes"],
        ["Headscale Users", "Allow Login Users", "No"],
        ["Home Server Admins", "Allow Login Users", "No"],
        ["Wrongmove Users", "Allow Login Users", "No"],
        ["kubernetes-admins", "--", "No"],
        ["kubernetes-power-users", "--", "No"],
        ["kubernetes-namespace-owners", "--", "No"],
        ["Task Submitters", "--", "No"],
      ].sort(),
    );
    // members are people's data: never managed
    for (const g of Object.values<any>(R.authentik_group)) {
      expect(g.users).toBeUndefined();
      expect(g.lifecycle.ignore_changes).toEqual(["users"]);
    }
    expect(R.authentik_user).toBeUndefined();
  });

  it("has the invitation-enrollment flow with its five stages in the seed's order", () => {
    const flows = Object.entries<any>(R.authentik_flow);
    expect(flows.map(([, f]) => [f.slug, f.designation])).toEqual([["invitation-enrollment", "enrollment"]]);
    const stages = Object.values<any>(R.authentik_flow_stage_binding)
      .filter((b) => b.target === `\${authentik_flow.${flows[0][0]}.uuid}`)
      .sort((a, b) => a.order - b.order)
      .map((b) => [b.order, b.stage.split(".")[0].slice(2), byRef(b.stage).name]);
    expect(stages).toEqual([
      [10, "authentik_stage_invitation", "invitation-validation"],
      [20, "authentik_stage_identification", "enrollment-identification"],
      [30, "authentik_stage_prompt", "enrollment-prompt"],
      [40, "authentik_stage_user_write", "enrollment-user-write"],
      [50, "authentik_stage_user_login", "enrollment-login"],
    ]);
  });

  it("blocks without an invitation, shows the three social sources and the passkey flow, asks for name and email", () => {
    expect(R.authentik_stage_invitation.invitation_validation.continue_flow_without_invitation).toBe(false);
    const id = R.authentik_stage_identification.enrollment_identification;
    expect(id.sources.map((s: string) => byRef(s).slug)).toEqual(["google", "github", "facebook"]);
    expect(byRef(id.passwordless_flow).slug).toBe("webauthn");
    expect(id.user_fields).toEqual([]); // no username/password enrollment
    const fields = R.authentik_stage_prompt.enrollment_prompt.fields.map((f: string) => byRef(f).field_key);
    expect(fields).toEqual(["name", "email"]);
  });

  it("writes new users, active, into Allow Login Users", () => {
    const uw = R.authentik_stage_user_write.enrollment_user_write;
    expect(byRef(uw.create_users_group).name).toBe("Allow Login Users");
    expect(uw.create_users_as_inactive).toBe(false);
  });

  it("binds invitation-group-assignment to the enrollment-login stage binding, and nothing to brute-force-protection", () => {
    const bindings = Object.values<any>(R.authentik_policy_binding);
    expect(bindings).toHaveLength(1);
    expect(byRef(bindings[0].policy).name).toBe("invitation-group-assignment");
    expect(byRef(byRef(bindings[0].target).stage).name).toBe("enrollment-login");
    const rep = R.authentik_policy_reputation.brute_force_protection;
    expect([rep.name, rep.check_username, rep.check_ip, rep.threshold]).toEqual(["brute-force-protection", true, true, -5]);
    expect(JSON.stringify(json)).not.toContain("authentik_policy_reputation.brute_force_protection.id");
  });

  it("references sources and the passkey flow (data sources) and manages no source or OAuth2 provider", () => {
    expect(Object.keys(json.data.authentik_source).sort()).toEqual(["facebook", "github", "google"]);
    expect(Object.keys(R).filter((t) => /^authentik_(source|provider_oauth2)/.test(t))).toEqual([]);
  });

  it("sets every attribute the provider would otherwise default, so no provider default reaches a live object", () => {
    const defaults = JSON.parse(fs.readFileSync(path.join(ROOT, "schemas", "authentik.defaults.json"), "utf8")).resources;
    const unset: string[] = [];
    for (const address of identityAddresses(json).filter((a) => !a.startsWith("data."))) {
      const [type, name] = address.split(".");
      for (const [attr, d] of Object.entries<any>(defaults[type] ?? {})) if ("default" in d && !(attr in R[type][name])) unset.push(`${address}.${attr}`);
    }
    expect(unset).toEqual([]);
  });
});

describe("identity config validation", () => {
  const withGroups = (groups: IdentityConfig["groups"], extra: Partial<IdentityConfig> = {}): IdentityConfig => ({ ...DEFAULT_IDENTITY, groups, ...extra });
  it("accepts the live config", () => expect(identityProblems(DEFAULT_IDENTITY)).toEqual([]));
  it("refuses a duplicate group name, an unknown parent and a cycle, each in one line naming the field", () => {
    const g = DEFAULT_IDENTITY.groups;
    expect(identityProblems(withGroups([...g, { ...g[2], key: "dup" }]))).toEqual([expect.stringMatching(/^identity\.groups\[9\]\.name: 'Headscale Users' is listed twice; allowed: .* Fix: /)]);
    expect(identityProblems(withGroups(g.map((x) => (x.key === "task_submitters" ? { ...x, parent: "Nobody" } : x))))[0]).toMatch(/^identity\.groups\[8\]\.parent: 'Nobody' is not a group of the stack; allowed: Allow Login Users, .* Fix: /);
    const cyc = withGroups(g.map((x) => (x.key === "allow_login_users" ? { ...x, parent: "Headscale Users" } : x)));
    expect(identityProblems(cyc).some((p) => /is its own ancestor/.test(p))).toBe(true);
  });
  it("refuses an invitation target that is unknown or a superuser group", () => {
    expect(identityProblems({ ...DEFAULT_IDENTITY, invitationTargetGroups: ["Matrix Users"] })[0]).toMatch(/invitationTargetGroups\[0\]: 'Matrix Users' is not a group of the stack/);
    expect(identityProblems({ ...DEFAULT_IDENTITY, invitationTargetGroups: ["authentik Admins"] })[0]).toMatch(/makes its members superusers/);
    expect(isSuperuserGroup(withGroups([...DEFAULT_IDENTITY.groups, { key: "x", name: "X", parent: "authentik Admins", isSuperuser: false }]), "X")).toBe(true);
  });
  it("refuses a user write group that is not in the stack and clashing binding orders", () => {
    const c = structuredClone(DEFAULT_IDENTITY) as any;
    c.enrollment.stages.userWrite.groupName = "Everyone";
    c.enrollment.bindings.prompt.order = 20;
    const p = identityProblems(c);
    expect(p).toContain("identity.enrollment.stages.userWrite.groupName: 'Everyone' is not a group of the stack; allowed: " + DEFAULT_IDENTITY.groups.map((x) => x.name).join(", ") + ". Fix: add the group or correct the name.");
    expect(p.some((x) => x.startsWith("identity.enrollment.bindings.prompt.order: 20 is used twice"))).toBe(true);
  });
  it("round-trips the target groups through the expression the guards read", () => {
    expect(invitationTargetsOf(groupAssignmentExpression(['Say "hi"', "Ünïcode"]))).toEqual(['Say "hi"', "Ünïcode"]);
    expect(invitationTargetsOf("return True")).toBeUndefined();
  });
});

describe("adoption: import blocks from the adoption file", () => {
  const G = "0b8a1a4e-8c39-4e0f-9a53-2f1f3e0b6c11";
  const stackWith = (imports: Record<string, string>) => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "ak-adopt-")) });
    return JSON.parse(JSON.stringify(new AuthentikStack(app, { config: loadConfig({}), imports }).toTerraform()));
  };
  it("the committed adoption file is valid and the default stack imports what it lists", () => {
    const committed = parseAdoption(fs.readFileSync(path.join(ROOT, "adoption", "identity.json"), "utf8"), "adoption/identity.json");
    expect(json.import ?? []).toHaveLength(Object.keys(committed.imports).length);
  });
  it("emits one import block per entry, flows by slug", () => {
    const j = stackWith({ "authentik_group.headscale_users": G, "authentik_flow.invitation_enrollment": "invitation-enrollment" });
    expect(j.import).toEqual([
      { to: "authentik_group.headscale_users", id: G },
      { to: "authentik_flow.invitation_enrollment", id: "invitation-enrollment" },
    ]);
  });
  it("adopts what a fresh authentik already holds: the default login stage and the embedded outpost", () => {
    const O = "3b7f4c1e-6d2a-4f8e-9c1b-5a0e2d4f6b88";
    const j = stackWith({ "authentik_stage_user_login.default_login": G, "authentik_outpost.embedded": O });
    expect(j.import).toEqual([
      { to: "authentik_stage_user_login.default_login", id: G },
      { to: "authentik_outpost.embedded", id: O },
    ]);
    expect(Object.keys(j.resource.authentik_stage_user_login)).toContain("default_login");
    expect(Object.keys(j.resource.authentik_outpost)).toContain("embedded");
  });
  it("refuses an address the stack does not adopt, naming the allowed ones", () => {
    expect(() => stackWith({ "authentik_group.everyone": G })).toThrow(/^adoption: authentik_group\.everyone is not a resource the stack adopts \(the identity layer, the default login stage, the embedded outpost\); allowed: authentik_group\.allow_login_users, .*authentik_stage_user_login\.default_login, authentik_outpost\.embedded\. Fix: rerun `npx authentik-stack adopt`/);
  });
  it("refuses malformed files with one line per problem", () => {
    expect(() => parseAdoption("{", "f.json")).toThrow(/^f\.json: not valid JSON/);
    expect(() => parseAdoption('{"imports": []}', "f.json")).toThrow(/expected an object with "imports"/);
    expect(() => parseAdoption('{"imports": {}, "extra": 1}', "f.json")).toThrow(/unknown key\(s\) extra/);
    expect(() => parseAdoption(JSON.stringify({ imports: { "authentik_group.a": "not-a-uuid" } }), "f.json")).toThrow(/imports\["authentik_group\.a"\]: 'not-a-uuid' is not an object UUID/);
    expect(() => parseAdoption(JSON.stringify({ imports: { "authentik_flow.a": "has space" } }), "f.json")).toThrow(/is not a flow slug/);
    expect(() => parseAdoption(JSON.stringify({ imports: { "authentik_group.a": G, "authentik_group.b": G } }), "f.json")).toThrow(/is also imported into authentik_group\.a/);
    expect(() => parseAdoption(formatAdoption({ "authentik_group.a": G }), "f.json")).not.toThrow();
  });
  it("reads AUTHENTIK_STACK_ADOPTION, and refuses a named file that is missing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-adopt-"));
    const file = path.join(dir, "a.json");
    fs.writeFileSync(file, formatAdoption({ "authentik_group.task_submitters": G }));
    expect(readImports(ROOT, { AUTHENTIK_STACK_ADOPTION: file })).toEqual({ "authentik_group.task_submitters": G });
    expect(() => readImports(ROOT, { AUTHENTIK_STACK_ADOPTION: path.join(dir, "missing.json") })).toThrow(/missing\.json: cannot be read \(ENOENT\)/);
    expect(readImports(dir, {})).toEqual({}); // no file at all: nothing to import
  });
});
