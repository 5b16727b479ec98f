/**
 * The identity layer (config/identity.ts) as part of the one typed config: the operator's override file
 * (AUTHENTIK_STACK_CONFIG) changes it like any other section, validated field by field (config/schema.ts)
 * and across fields (identityProblems, config/validate.ts), refused with one line per problem and exit 2.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { App } from "cdktf";
import { ConfigError, DEFAULT_CONFIG, loadConfig } from "../../config";
import { DEFAULT_IDENTITY } from "../../config/identity";
import { AuthentikStack } from "../../constructs/authentik-stack";
import { ROOT, synthJson } from "../support/synth";

function problems(over: unknown): string[] {
  try {
    loadConfig(over as any);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

const groups = DEFAULT_IDENTITY.groups;
/** The live groups with one renamed (Task Submitters: nothing else refers to it by name). */
const renamed = groups.map((g) => (g.key === "task_submitters" ? { key: g.key, name: "Batch Submitters" } : g));

describe("the defaults", () => {
  it("are the live identity layer, and the config's defaults carry it", () => {
    expect(DEFAULT_CONFIG.identity).toBe(DEFAULT_IDENTITY);
    expect(loadConfig({}).identity).toEqual(DEFAULT_IDENTITY);
  });
  it("synthesize exactly what the stack synthesized before the identity layer was in the config", () => {
    const viaConfig = synthJson();
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "ak-id-")) });
    const explicit = new AuthentikStack(app, { config: loadConfig({}), identity: DEFAULT_IDENTITY });
    expect(viaConfig).toEqual(JSON.parse(JSON.stringify(explicit.toTerraform())));
  });
});

describe("an override", () => {
  it("that renames a group synthesizes the new name at the same address, and nothing else changes", () => {
    const before = synthJson() as any;
    const after = synthJson({ identity: { groups: renamed } } as any) as any;
    expect(after.resource.authentik_group.task_submitters.name).toBe("Batch Submitters");
    expect(before.resource.authentik_group.task_submitters.name).toBe("Task Submitters");
    // every other resource is byte-for-byte the same
    const { task_submitters: _a, ...otherAfter } = after.resource.authentik_group;
    const { task_submitters: _b, ...otherBefore } = before.resource.authentik_group;
    expect(otherAfter).toEqual(otherBefore);
    for (const type of Object.keys(before.resource).filter((t) => t !== "authentik_group")) expect([type, after.resource[type]]).toEqual([type, before.resource[type]]);
  });

  it("merges field by field: one policy setting changes, the rest keep the live values", () => {
    const c = loadConfig({ identity: { bruteForcePolicy: { threshold: -10 } } } as any);
    expect(c.identity.bruteForcePolicy).toEqual({ ...DEFAULT_IDENTITY.bruteForcePolicy, threshold: -10 });
    expect((synthJson({ identity: { bruteForcePolicy: { threshold: -10 } } } as any) as any).resource.authentik_policy_reputation.brute_force_protection.threshold).toBe(-10);
    expect(c.identity.groups).toEqual(DEFAULT_IDENTITY.groups);
  });

  it("gives each list entry the entry defaults (a group: not superuser, no parent; a prompt: required, no placeholder)", () => {
    const c = loadConfig({
      identity: {
        groups: [...groups, { key: "matrix_users", name: "Matrix Users" }],
        enrollment: { stages: { prompt: { fields: [{ key: "f_name", name: "f-name", fieldKey: "name", label: "Name", type: "text", order: 0 }] } } },
      },
    } as any);
    expect(c.identity.groups[groups.length]).toEqual({ key: "matrix_users", name: "Matrix Users", isSuperuser: false });
    expect(c.identity.enrollment.stages.prompt.fields).toEqual([{ key: "f_name", name: "f-name", fieldKey: "name", label: "Name", type: "text", order: 0, required: true, placeholder: "" }]);
  });

  it("through the override file and `npm run synth`: the new name in cdk.tf.json", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-id-synth-"));
    const cfg = path.join(dir, "cfg.json");
    fs.writeFileSync(cfg, JSON.stringify({ identity: { groups: renamed } }));
    const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "synth.js")], { cwd: dir, encoding: "utf8", env: { ...process.env, AUTHENTIK_STACK_CONFIG: cfg } });
    expect(r.status).toBe(0);
    const out = JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", "stacks", "authentik", "cdk.tf.json"), "utf8"));
    expect(out.resource.authentik_group.task_submitters.name).toBe("Batch Submitters");
  });
});

describe("bad identity values are refused, one line each", () => {
  const g = (extra: object[]) => ({ identity: { groups: [...groups, ...extra] } });
  it.each([
    ["an unknown key, with a did-you-mean", { identity: { groupz: [] } }, `config.identity.groupz: unknown setting; allowed: groups, adminGroup, invitationTargetGroups, enrollment, groupAssignmentPolicy, bruteForcePolicy. Fix: did you mean 'groups'? Rename it, or remove it`],
    ["an unknown key in a group", g([{ key: "x", name: "X", superuser: true }]), `config.identity.groups[9].superuser: unknown setting; allowed: key, name, parent, isSuperuser. Fix: did you mean 'isSuperuser'? Rename it, or remove it`],
    ["a group without a key", g([{ name: "X" }]), `config.identity.groups[9].key: missing; allowed: a Terraform resource name: lower-case letters, digits and '_', starting with a letter, at most 64 characters (part of the state address: changing it moves the resource). Fix: add key to config.identity.groups[9]`],
    ["a duplicate group name", g([{ key: "again", name: "Headscale Users" }]), `config.identity.groups[9].name: 'Headscale Users' is listed twice; allowed: unique group names (authentik enforces it). Fix: remove the duplicate.`],
    ["a duplicate group key", g([{ key: "headscale_users", name: "Other" }]), `config.identity.groups[9].key: key 'headscale_users' is used twice; allowed: one object per key. Fix: give each object its own key.`],
    ["a key that is no resource name", g([{ key: "Matrix-Users", name: "Matrix Users" }]), `config.identity.groups[9].key: "Matrix-Users" is not allowed; allowed: a Terraform resource name: lower-case letters, digits and '_', starting with a letter, at most 64 characters (part of the state address: changing it moves the resource). Fix: correct it in the AUTHENTIK_STACK_CONFIG file`],
    ["a string for a boolean", g([{ key: "x", name: "X", isSuperuser: "no" }]), `config.identity.groups[9].isSuperuser: "no" is not true or false; allowed: true or false. Fix: correct it in the AUTHENTIK_STACK_CONFIG file`],
    ["an invitation target listed twice", { identity: { invitationTargetGroups: ["Headscale Users", "Headscale Users"] } }, `config.identity.invitationTargetGroups[1]: "Headscale Users" is listed twice (also at [0]); allowed: each value once. Fix: remove the duplicate`],
    ["a threshold as a string", { identity: { bruteForcePolicy: { threshold: "-5" } } }, `config.identity.bruteForcePolicy.threshold: "-5" is not a number; allowed: an integer reputation score (negative: failed logins lower it) from -2147483648 to 2147483647. Fix: correct it in the AUTHENTIK_STACK_CONFIG file, or leave it out for today's value`],
    ["a flow slug with a space", { identity: { enrollment: { flow: { slug: "invitation enrollment" } } } }, `config.identity.enrollment.flow.slug: "invitation enrollment" is not allowed; allowed: an authentik slug: letters, digits, '-' and '_', at most 50 characters. Fix: correct it in the AUTHENTIK_STACK_CONFIG file, or leave it out for today's value`],
    ["a flow slug another flow has", { identity: { enrollment: { flow: { slug: "default-provider-invalidation-flow" } } } }, `config.identity.enrollment.flow.slug: "default-provider-invalidation-flow" is already catchAll.invalidationFlowSlug; allowed: a slug no other flow has (authentik requires unique flow slugs). Fix: keep the live "invitation-enrollment"`],
    ["the default login stage's address", { identity: { enrollment: { stages: { login: { key: "default_login" } } } } }, `config.identity.enrollment.stages.login.key: "default_login" is the default login stage's address (authentik_stage_user_login.default_login); allowed: a resource name no other login stage has. Fix: keep the live "enrollment_login"`],
    ["the default login stage's name", { identity: { enrollment: { stages: { login: { name: "default-authentication-login" } } } } }, `config.identity.enrollment.stages.login.name: "default-authentication-login" is already loginStage.name; allowed: a stage name no other stage has (authentik requires unique stage names). Fix: give the enrollment stage its own name`],
    ["two stages with one name", { identity: { enrollment: { stages: { prompt: { name: "enrollment-login" } } } } }, `config.identity.enrollment.stages.login.name: 'enrollment-login' is already the name of enrollment.stages.prompt.name; allowed: a stage name no other one uses (authentik requires unique stage names). Fix: give it its own name.`],
    ["two policies with one name", { identity: { bruteForcePolicy: { name: "invitation-group-assignment" } } }, `config.identity.bruteForcePolicy.name: 'invitation-group-assignment' is already the name of groupAssignmentPolicy.name; allowed: a policy name no other one uses (authentik requires unique policy names). Fix: give it its own name.`],
    ["a user field outside the set", { identity: { enrollment: { stages: { identification: { userFields: ["mail"] } } } } }, `config.identity.enrollment.stages.identification.userFields[0]: "mail" is not one of the allowed values; allowed: email, username, upn. Fix: correct it in the AUTHENTIK_STACK_CONFIG file`],
    ["a session of 'days= 1'", { identity: { enrollment: { stages: { login: { sessionDuration: "days= 1" } } } } }, `config.identity.enrollment.stages.login.sessionDuration: "days= 1" is not an authentik duration (' 1' is not a plain number (digits, optionally a decimal point); authentik's float() would read it as 1 days in total); allowed: semicolon-separated unit=number pairs without spaces, each unit once, units weeks, days, hours, minutes, seconds, milliseconds, microseconds (e.g. 'weeks=4;days=2'); zero (seconds=0) means until the browser closes. Fix: correct it in the AUTHENTIK_STACK_CONFIG file, or leave it out for today's value`],
    ["null for the whole layer", { identity: null }, `config.identity: null is not allowed; allowed: an object with groups, adminGroup, invitationTargetGroups, enrollment, groupAssignmentPolicy, bruteForcePolicy. Fix: correct it in the AUTHENTIK_STACK_CONFIG file, or leave it out for today's value`],
  ])("%s", (_name, over, line) => {
    expect(problems(over)).toEqual([line]);
  });

  it("a renamed parent group that its children still name: one line per child", () => {
    const p = problems({ identity: { groups: groups.map((x) => (x.name === "Allow Login Users" ? { ...x, name: "Login Users" } : x)) } });
    expect(p.filter((l) => /groups\[\d\]\.parent: 'Allow Login Users' is not a group of the stack/.test(l))).toHaveLength(3);
    expect(p).toContain(`config.identity.enrollment.stages.userWrite.groupName: 'Allow Login Users' is not a group of the stack; allowed: ${groups.map((x) => (x.name === "Allow Login Users" ? "Login Users" : x.name)).join(", ")}. Fix: add the group or correct the name.`);
  });

  it("through the CLI: exit 2, the one line on stderr, nothing on stdout", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-id-cli-"));
    const cfg = path.join(dir, "cfg.json");
    fs.writeFileSync(cfg, JSON.stringify({ identity: { groups: [...groups, { key: "again", name: "Headscale Users" }] } }));
    const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "authentik-stack.js"), "alerts"], { cwd: dir, encoding: "utf8", env: { ...process.env, AUTHENTIK_STACK_CONFIG: cfg } });
    expect({ code: r.status, out: r.stdout, err: r.stderr }).toEqual({
      code: 2,
      out: "",
      err: "authentik-stack alerts: config.identity.groups[9].name: 'Headscale Users' is listed twice; allowed: unique group names (authentik enforces it). Fix: remove the duplicate.\n",
    });
  });
});

describe("two resources at one state address (lib/state-address.ts)", () => {
  it("is refused at synth even when the config checks are bypassed: never one silently dropped", () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "ak-id-")) });
    const identity = structuredClone(DEFAULT_IDENTITY) as any;
    identity.enrollment.stages.login.key = "default_login";
    expect(() => new AuthentikStack(app, { config: loadConfig({}), identity })).toThrow(/^authentik_stage_user_login\.default_login: a second resource pinned to this state address \(.*\); only one of them would be synthesized, silently\. Fix: /);
  });
});
