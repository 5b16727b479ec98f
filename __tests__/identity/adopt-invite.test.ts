/**
 * adopt and invite against the loopback authentik API (authentik-api/, held to authentik's OpenAPI
 * description) seeded with the live identity objects: the engines directly, and the CLI as an operator
 * runs it (exit codes, one-line refusals, --json, the token never printed).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startAuthentikApi, AuthentikApiServer } from "../../authentik-api/server";
import { authentikClient } from "../../io/authentik-client";
import { findAdoptions } from "../../engine/adopt";
import { createInvitation, listInvitations, revokeInvitation, assignGroup, parseDays } from "../../engine/invite";
import { DEFAULT_IDENTITY } from "../../config/identity";
import { parseAdoption } from "../../config/adoption";
import { AuthentikStack } from "../../constructs/authentik-stack";
import { loadConfig } from "../../config/load";
import { App } from "cdktf";
import { ROOT } from "../support/synth";
import { PK, identitySeed } from "../support/identity-world";
import { CliRun, runCliProcess } from "../support/cli-process";

const TOKEN = "test-identity-token-3e8b1f";
jest.setTimeout(120_000);
let api: AuthentikApiServer;
const client = () => authentikClient({ url: api.url, token: TOKEN });

beforeEach(async () => {
  api = await startAuthentikApi({ tokens: [TOKEN], seed: identitySeed() });
});
afterEach(async () => api.close());

/** Runs the CLI in a child process (async: the loopback API answers from this process meanwhile). */
async function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const r = await runCliProcess(args, { PATH: process.env.PATH, HOME: fs.mkdtempSync(path.join(os.tmpdir(), "ak-home-")), AUTHENTIK_URL: api.url, AUTHENTIK_TOKEN: TOKEN, ...env });
  expect(r.out + r.err).not.toContain(TOKEN);
  return r;
}
// the CLI runs from dist/: build once if a source is newer (npm run build does it in CI)
beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, "dist", "cli", "invite.js"))) throw new Error("dist/ is not built: run `npm run build` first");
});

describe("adopt", () => {
  it("finds every object of the identity layer by name, slug or what it binds", async () => {
    const r = await findAdoptions(client(), DEFAULT_IDENTITY);
    expect(r.missing).toEqual([]);
    expect(r.imports).toMatchObject({
      "authentik_group.allow_login_users": PK.groups["Allow Login Users"],
      "authentik_group.task_submitters": PK.groups["Task Submitters"],
      "authentik_flow.invitation_enrollment": "invitation-enrollment", // the provider imports flows by slug
      "authentik_stage_invitation.invitation_validation": PK.stages.invitation,
      "authentik_stage_prompt_field.enrollment_field_email": PK.prompts.email,
      "authentik_flow_stage_binding.invitation_enrollment_50": PK.bindings[50],
      "authentik_policy_reputation.brute_force_protection": PK.reputation,
      "authentik_policy_binding.invitation_group_assignment_login": PK.policyBinding,
    });
    // every resource of the identity layer gets an import, and the stack accepts the file
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "ak-adopt-")) });
    const stack = new AuthentikStack(app, { config: loadConfig({}), imports: r.imports });
    expect(Object.keys(r.imports).sort()).toEqual([...stack.identity.resources.keys()].sort());
  });

  it("lists what it cannot find (the stack would create it) and exits 1", async () => {
    await fetch(`${api.url}/api/v3/core/groups/${PK.groups["Task Submitters"]}/`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } });
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ak-adopt-")), "identity.json");
    const r = await cli(["adopt", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("missing authentik_group.task_submitters: no group named 'Task Submitters'; the stack would create it");
    const file = parseAdoption(fs.readFileSync(out, "utf8"), out);
    expect(Object.keys(file.imports)).toHaveLength(24);
  });

  it("writes the adoption file (exit 0) and --json reports it; a refused token is exit 3 in one line", async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ak-adopt-")), "identity.json");
    const r = await cli(["adopt", "--out", out, "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j.imports)).toHaveLength(25);
    expect(j.missing).toEqual([]);
    expect(parseAdoption(fs.readFileSync(out, "utf8"), out).imports).toEqual(j.imports);
    const bad = await cli(["adopt", "--dry-run"], { AUTHENTIK_TOKEN: "wrong-token" });
    expect(bad.code).toBe(3);
    // progress lines go to stderr prefixed "…"; the error itself is one line
    expect(bad.err.trim().split("\n").filter((l) => !l.startsWith("…"))).toHaveLength(1);
    expect(bad.err).toContain("refused the token (403)");
  });

  it("refuses an ambiguous lookup (two live prompts with one name): exit 2", async () => {
    await fetch(`${api.url}/api/v3/stages/prompt/prompts/`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "enrollment-field-name", field_key: "name2", label: "Name", type: "text" }),
    });
    const r = await cli(["adopt", "--dry-run"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/adopt authentik_stage_prompt_field\.enrollment_field_name: 2 live objects match prompt named 'enrollment-field-name'/);
  });
});

describe("invite (engine)", () => {
  const now = new Date("2026-11-30T12:00:00Z");
  it("creates a single-use invitation for the enrollment flow naming the group, with an expiry", async () => {
    const inv = await createInvitation(client(), DEFAULT_IDENTITY, { group: "Wrongmove Users", days: 7, now });
    expect(inv).toMatchObject({ group: "Wrongmove Users", use: "single-use", expires: "2026-12-07T12:00:00.000Z" });
    expect(inv.link).toBe(`${api.url}/if/flow/invitation-enrollment/?itoken=${inv.id}`);
    const raw = await (await fetch(`${api.url}/api/v3/stages/invitation/invitations/${inv.id}/`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    expect(raw).toMatchObject({ flow: PK.flow, single_use: true, fixed_data: { group: "Wrongmove Users" } });
  });
  it("lists pending invitations only (an expired one is left out)", async () => {
    const a = await createInvitation(client(), DEFAULT_IDENTITY, { group: "Headscale Users", now: new Date() });
    await createInvitation(client(), DEFAULT_IDENTITY, { group: "Headscale Users", days: 1, now: new Date(Date.now() - 3 * 86_400_000) });
    const items = await listInvitations(client(), DEFAULT_IDENTITY);
    expect(items.map((i) => [i.id, i.group, i.expires, i.use])).toEqual([[a.id, "Headscale Users", null, "single-use"]]);
  });
  it("refuses an unknown group, a group invitations may not grant, and invalid --days; nothing is created", async () => {
    await expect(createInvitation(client(), DEFAULT_IDENTITY, { group: "Matrix Users" })).rejects.toThrow(/^group "Matrix Users": no such group in the stack; allowed: 'Headscale Users', 'Home Server Admins', 'Wrongmove Users'/);
    await expect(createInvitation(client(), DEFAULT_IDENTITY, { group: "authentik Admins" })).rejects.toThrow(/invitations may not grant this group/);
    for (const bad of ["0", "-1", "1.5", "seven", "366", ""]) expect(() => parseDays(bad)).toThrow(/not a whole number of days from 1 to 365/);
    expect(parseDays("7")).toBe(7);
    expect(await listInvitations(client(), DEFAULT_IDENTITY)).toEqual([]);
  });
  it("revokes a pending invitation and refuses an unknown, used (deleted) or expired one", async () => {
    const inv = await createInvitation(client(), DEFAULT_IDENTITY, { group: "Headscale Users" });
    expect((await revokeInvitation(client(), DEFAULT_IDENTITY, inv.id)).id).toBe(inv.id);
    await expect(revokeInvitation(client(), DEFAULT_IDENTITY, inv.id)).rejects.toThrow(/no such invitation \(a single-use invitation is deleted by authentik once used\)/);
    const old = await createInvitation(client(), DEFAULT_IDENTITY, { group: "Headscale Users", days: 1, now: new Date(Date.now() - 3 * 86_400_000) });
    await expect(revokeInvitation(client(), DEFAULT_IDENTITY, old.id)).rejects.toThrow(/already expired on/);
    await expect(revokeInvitation(client(), DEFAULT_IDENTITY, "not-a-uuid")).rejects.toThrow(/not an invitation id/);
  });
  it("assigns a user to a group, and refuses an unknown user or group", async () => {
    const r = await assignGroup(client(), DEFAULT_IDENTITY, "alice", "Headscale Users");
    const users: any = await (await fetch(`${api.url}/api/v3/core/users/?username=alice`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    expect(users.results[0].groups).toContain(PK.groups["Headscale Users"]);
    expect(r).toMatchObject({ username: "alice", group: "Headscale Users" });
    await expect(assignGroup(client(), DEFAULT_IDENTITY, "carol", "Headscale Users")).rejects.toThrow(/user "carol": no such user in authentik/);
    await expect(assignGroup(client(), DEFAULT_IDENTITY, "alice", "VPN Users")).rejects.toThrow(/group "VPN Users": no such group in the stack/);
  });
});

describe("invite (CLI)", () => {
  it("create prints the link; --json gives the invitation; list and revoke follow", async () => {
    const c = await cli(["invite", "create", "Headscale Users", "--days", "7"]);
    expect(c.code).toBe(0);
    expect(c.out.split("\n")[0]).toMatch(new RegExp(`^${api.url.replace(/[.]/g, "\\.")}/if/flow/invitation-enrollment/\\?itoken=[0-9a-f-]{36}$`));
    const j = JSON.parse((await cli(["invite", "create", "Wrongmove Users", "--multi-use", "--json"])).out);
    expect(j).toMatchObject({ group: "Wrongmove Users", use: "multi-use", expires: null });
    const l = JSON.parse((await cli(["invite", "list", "--json"])).out);
    expect(l.invitations.map((i: any) => i.group).sort()).toEqual(["Headscale Users", "Wrongmove Users"]);
    expect((await cli(["invite", "list"])).out).toContain(`${j.id}  Wrongmove Users`);
    const r = await cli(["invite", "revoke", j.id, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).revoked.id).toBe(j.id);
    const again = await cli(["invite", "revoke", j.id]);
    expect(again.code).toBe(2);
    expect(again.err.trim().split("\n")).toHaveLength(1);
  });
  it("refusals: unknown group, invalid --days, missing argument, unknown subcommand (exit 2, one line, JSON under --json)", async () => {
    for (const args of [["invite", "create", "Matrix Users"], ["invite", "create", "Headscale Users", "--days", "0"], ["invite", "create"], ["invite", "assign", "alice"], ["invite", "revok", "x"]]) {
      const r = await cli(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.err.trim().split("\n")).toHaveLength(1);
    }
    const j = await cli(["invite", "create", "Matrix Users", "--json"]);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.out)).toMatchObject({ result: "error", exitCode: 2, message: expect.stringContaining("no such group in the stack") });
    expect((await cli(["invite", "list", "--json"])).out).toContain('"invitations": []');
  });
  it("assign adds the user; an unreachable authentik is exit 3", async () => {
    const r = await cli(["invite", "assign", "bob", "Task Submitters", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ username: "bob", group: "Task Submitters" });
    const down = await cli(["invite", "list"], { AUTHENTIK_URL: "http://127.0.0.1:1" });
    expect(down.code).toBe(3);
    expect(down.err).toContain("cannot reach authentik at http://127.0.0.1:1");
  });
  it("without AUTHENTIK_TOKEN or a Vault login: exit 3 naming what to set", async () => {
    const r = await cli(["invite", "list"], { AUTHENTIK_TOKEN: "" });
    expect(r.code).toBe(3);
    expect(r.err).toContain("AUTHENTIK_TOKEN is not set and there is no Vault login");
  });
});
