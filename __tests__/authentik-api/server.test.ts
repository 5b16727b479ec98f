/**
 * The loopback authentik API over real HTTP on 127.0.0.1: CRUD round trips, DRF-shaped 400s naming the
 * field, unknown fields ignored (as DRF serializers do), authentik's token refusals, outpost semantics,
 * the change feed, persistence, and the process entry point.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn } from "child_process";
import { startAuthentikApi, AuthentikApiServer } from "../../authentik-api/server";
import { Change } from "../../authentik-api/store";

const TOKEN = "test-api-token-5c9a";
let api: AuthentikApiServer;

async function call(method: string, p: string, body?: unknown, token: string | null = TOKEN): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${api.url}/api/v3${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function flow(slug: string, designation = "authorization"): Promise<string> {
  const r = await call("POST", "/flows/instances/", { name: slug, slug, title: slug, designation });
  expect(r.status).toBe(201);
  return r.body.pk;
}

const proxyBody = (f: string, extra: object = {}) => ({ name: `p-${Math.random().toString(36).slice(2, 8)}`, authorization_flow: f, invalidation_flow: f, external_host: "https://auth.example.org", ...extra });

beforeEach(async () => {
  api = await startAuthentikApi({ tokens: [TOKEN] });
});
afterEach(async () => api.close());

describe("CRUD round trips", () => {
  it("creates, lists (with the spec's filters and authentik's pagination), retrieves, updates, patches and deletes a proxy provider", async () => {
    const f = await flow("default-provider-authorization-implicit-consent");
    const created = await call("POST", "/providers/proxy/", proxyBody(f, { name: "catch-all", mode: "forward_domain", cookie_domain: "example.org", access_token_validity: "weeks=4" }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "catch-all", mode: "forward_domain", access_token_validity: "weeks=4", cookie_domain: "example.org" });
    // server-side: integer pk, model defaults, computed read-only fields
    expect(typeof created.body.pk).toBe("number");
    expect(created.body).toMatchObject({ refresh_token_validity: "days=30", internal_host_ssl_validation: true, intercept_header_auth: true, authentication_flow: null });
    expect(created.body.redirect_uris[0].url).toBe("https://auth.example.org/outpost.goauthentik.io/callback?X-authentik-auth-callback=true");
    const id = created.body.pk;

    const other = await call("POST", "/providers/proxy/", proxyBody(f, { name: "other" }));
    const list = await call("GET", "/providers/proxy/?name__iexact=CATCH-ALL");
    expect(list.body.results.map((r: any) => r.pk)).toEqual([id]);
    expect(list.body.pagination).toEqual({ next: 0, previous: 0, count: 1, current: 1, total_pages: 1, start_index: 1, end_index: 1 });
    const paged = await call("GET", "/providers/proxy/?page_size=1&page=2&ordering=name");
    expect(paged.body.pagination).toMatchObject({ count: 2, current: 2, previous: 1, next: 0, total_pages: 2, start_index: 2, end_index: 2 });
    expect(paged.body.results[0].name).toBe("other");
    expect((await call("GET", "/providers/proxy/?page=3")).status).toBe(404);

    expect((await call("GET", `/providers/proxy/${id}/`)).body.name).toBe("catch-all");
    const put = await call("PUT", `/providers/proxy/${id}/`, proxyBody(f, { name: "catch-all", access_token_validity: "weeks=2" }));
    expect(put.status).toBe(200);
    // PUT without an optional field keeps its stored value (DRF skips absent optional fields)
    expect(put.body).toMatchObject({ access_token_validity: "weeks=2", cookie_domain: "example.org", mode: "forward_domain" });
    const patch = await call("PATCH", `/providers/proxy/${id}/`, { cookie_domain: "sub.example.org" });
    expect(patch.body).toMatchObject({ cookie_domain: "sub.example.org", access_token_validity: "weeks=2" });
    // the "all" view lists every provider type with the base Provider schema
    const all = await call("GET", "/providers/all/");
    expect(all.body.results.map((r: any) => r.pk).sort()).toEqual([id, other.body.pk].sort());
    expect(all.body.results[0]).not.toHaveProperty("access_token_validity");
    expect((await call("DELETE", `/providers/proxy/${id}/`)).status).toBe(204);
    const gone = await call("GET", `/providers/proxy/${id}/`);
    expect(gone).toEqual({ status: 404, body: { detail: "No ProxyProvider matches the given query." } });
  });

  it("looks flows up by slug, both as a filter and as the item path", async () => {
    const pk = await flow("default-provider-invalidation-flow", "invalidation");
    await flow("something-else");
    const bySlug = await call("GET", "/flows/instances/?slug=default-provider-invalidation-flow");
    expect(bySlug.body.results.map((r: any) => r.pk)).toEqual([pk]);
    expect((await call("GET", "/flows/instances/?slug=nope")).body.results).toEqual([]);
    const item = await call("GET", "/flows/instances/default-provider-invalidation-flow/");
    expect(item.body).toMatchObject({ pk, designation: "invalidation", layout: "stacked", denied_action: "message_continue" });
  });

  it("user-login stages: durations accepted as authentik parses them, model defaults filled in", async () => {
    const r = await call("POST", "/stages/user_login/", { name: "default-authentication-login", session_duration: "weeks=4" });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ session_duration: "weeks=4", remember_me_offset: "seconds=0", network_binding: "no_binding", geoip_binding: "no_binding", terminate_other_sessions: false, flow_set: [] });
    for (const ok of ["hours=1;minutes=2", "HOURS=1", "days=1.5", "seconds=1e3", "hours=-1;minutes=-2;seconds=-3", "foo=bar;hours=1", "hours=nan;hours=1"]) {
      expect((await call("PATCH", `/stages/user_login/${r.body.pk}/`, { session_duration: ok })).status).toBe(200);
    }
    // a duplicate stage name is refused, as Stage.name is unique across stage types
    const dup = await call("POST", "/stages/invitation/stages/", { name: "default-authentication-login" });
    expect(dup).toEqual({ status: 400, body: { name: ["stage with this name already exists."] } });
  });

  it("groups: create with parents, add_user/remove_user, the user's groups follow", async () => {
    const user = await call("POST", "/core/users/", { username: "jdoe", name: "Jane Doe", email: "jdoe@example.org" });
    expect(user.status).toBe(201);
    const parent = await call("POST", "/core/groups/", { name: "Home Server Admins" });
    const child = await call("POST", "/core/groups/", { name: "Allow Login Users", parents: [parent.body.pk] });
    expect(child.status).toBe(201);
    expect((await call("GET", `/core/groups/${parent.body.pk}/`)).body.children).toEqual([child.body.pk]);
    expect((await call("POST", `/core/groups/${child.body.pk}/add_user/`, { pk: user.body.pk })).status).toBe(204);
    expect((await call("GET", `/core/groups/${child.body.pk}/`)).body.users).toEqual([user.body.pk]);
    expect((await call("GET", `/core/users/?username=jdoe`)).body.results[0].groups).toEqual([child.body.pk]);
    expect((await call("POST", `/core/groups/${child.body.pk}/add_user/`, { pk: 999 })).status).toBe(404);
    expect((await call("POST", `/core/groups/${child.body.pk}/remove_user/`, { pk: user.body.pk })).status).toBe(204);
    expect((await call("GET", `/core/groups/${child.body.pk}/`)).body.users).toEqual([]);
  });
});

describe("400 with the field named, as DRF answers", () => {
  let f: string;
  beforeEach(async () => {
    f = await flow("default-provider-authorization-implicit-consent");
  });

  it("a missing required field", async () => {
    const { name: _n, ...body } = proxyBody(f);
    expect(await call("POST", "/providers/proxy/", body)).toEqual({ status: 400, body: { name: ["This field is required."] } });
  });

  it("a wrong type", async () => {
    expect(await call("POST", "/providers/proxy/", proxyBody(f, { basic_auth_enabled: "maybe" }))).toEqual({ status: 400, body: { basic_auth_enabled: ["Must be a valid boolean."] } });
    expect(await call("POST", "/stages/user_login/", { name: ["a"] })).toEqual({ status: 400, body: { name: ["Not a valid string."] } });
    expect(await call("POST", "/policies/reputation/", { name: "brute-force-protection", threshold: "minus five" })).toEqual({ status: 400, body: { threshold: ["A valid integer is required."] } });
  });

  it("an enum value the schema does not list", async () => {
    expect(await call("POST", "/providers/proxy/", proxyBody(f, { mode: "forward_everything" }))).toEqual({ status: 400, body: { mode: ['"forward_everything" is not a valid choice.'] } });
    expect(await call("POST", "/flows/instances/", { name: "x", slug: "x", title: "x", designation: "signup" })).toEqual({ status: 400, body: { designation: ['"signup" is not a valid choice.'] } });
  });

  it("an invalid duration, as authentik's timedelta_string_validator words it", async () => {
    for (const bad of ["weeks=four", "weeks", "weeks=4;", "hours=1=2", "fortnights=1", "hours=nan"]) {
      expect(await call("POST", "/providers/proxy/", proxyBody(f, { access_token_validity: bad }))).toEqual({ status: 400, body: { access_token_validity: [`${bad} is not in the correct format of 'hours=3;minutes=1'.`] } });
    }
    expect((await call("POST", "/stages/user_login/", { name: "s", session_duration: "weeks=4;days" })).body).toEqual({ session_duration: ["weeks=4;days is not in the correct format of 'hours=3;minutes=1'."] });
    // what timedelta() itself refuses with OverflowError is a 500 on the real server (not caught by its validator)
    const inf = await call("POST", "/stages/user_login/", { name: "s", session_duration: "days=inf" });
    expect(inf.status).toBe(500);
  });

  it("collects every field error in one answer; a non-object body is a non-field error", async () => {
    const r = await call("POST", "/providers/proxy/", { authorization_flow: "not-a-uuid", invalidation_flow: f, external_host: "not a url", mode: "x" });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body).sort()).toEqual(["authorization_flow", "external_host", "mode", "name"]);
    expect(r.body.authorization_flow).toEqual(["“not-a-uuid” is not a valid UUID."]);
    // a relation sent as "" is null (DRF's RelatedField): fine where nullable, refused where not
    expect((await call("POST", "/providers/proxy/", proxyBody(f, { authentication_flow: "" }))).body.authentication_flow).toBeNull();
    expect((await call("POST", "/providers/proxy/", proxyBody(f, { authorization_flow: "" }))).body).toEqual({ authorization_flow: ["This field may not be null."] });
    expect(await call("POST", "/providers/proxy/", ["a"])).toEqual({ status: 400, body: { non_field_errors: ["Invalid data. Expected a dictionary, but got list."] } });
  });

  it("a refused body changes nothing", async () => {
    await call("POST", "/providers/proxy/", proxyBody(f, { mode: "nope" }));
    expect((await call("GET", "/providers/proxy/")).body.pagination.count).toBe(0);
  });
});

describe("unknown and read-only fields are ignored, as DRF serializers ignore them", () => {
  it("accepts the body, stores none of them, and answers the server's values", async () => {
    const f = await flow("default-provider-authorization-implicit-consent");
    const r = await call("POST", "/providers/proxy/", proxyBody(f, { name: "p", no_such_field: "x", pk: 4242, client_id: "mine", component: "x" }));
    expect(r.status).toBe(201);
    expect(r.body).not.toHaveProperty("no_such_field");
    expect(r.body.pk).not.toBe(4242);
    expect(r.body.client_id).not.toBe("mine");
    expect(r.body.component).toBe("ak-provider-proxy-form");
    // CharField stores a number's text; strings are trimmed
    const s = await call("POST", "/stages/user_login/", { name: "  login  ", session_duration: " hours=1 " });
    expect(s.body).toMatchObject({ name: "login", session_duration: "hours=1" });
  });
});

describe("token auth as authentik's TokenAuthentication (403, no WWW-Authenticate)", () => {
  it("refuses a missing, malformed, foreign-type or unknown token and serves root/config anonymously", async () => {
    expect(await call("GET", "/flows/instances/", undefined, null)).toEqual({ status: 403, body: { detail: "Authentication credentials were not provided." } });
    expect(await call("GET", "/flows/instances/", undefined, "nope")).toEqual({ status: 403, body: { detail: "Token invalid/expired" } });
    const basic = await fetch(`${api.url}/api/v3/flows/instances/`, { headers: { authorization: "Basic YTpi" } });
    expect([basic.status, await basic.json()]).toEqual([403, { detail: "Unsupported authentication type" }]);
    const cfg = await call("GET", "/root/config/", undefined, null);
    expect(cfg.status).toBe(200);
    expect(cfg.body.error_reporting.enabled).toBe(false);
    // refused writes change nothing
    await call("POST", "/flows/instances/", { name: "x", slug: "x", title: "x", designation: "authorization" }, "nope");
    expect((await call("GET", "/flows/instances/")).body.results).toEqual([]);
  });
});

describe("outposts (authentik/outposts/api/outposts.py)", () => {
  const EMBEDDED = "goauthentik.io/outposts/embedded";
  async function setup() {
    const f = await flow("default-provider-authorization-implicit-consent");
    const p = await call("POST", "/providers/proxy/", proxyBody(f));
    api.core.seed({ objects: { "/outposts/instances/": [{ pk: "0eecac07-97c7-443c-8925-05f2f4fe3e47", name: "authentik Embedded Outpost", type: "proxy", providers: [], config: { authentik_host: "https://auth.example.org/" }, managed: EMBEDDED }] } });
    return p.body.pk as number;
  }

  it("keeps managed when a PUT leaves it out, and refuses renaming the embedded outpost", async () => {
    const provider = await setup();
    const id = "0eecac07-97c7-443c-8925-05f2f4fe3e47";
    const put = await call("PUT", `/outposts/instances/${id}/`, { name: "authentik Embedded Outpost", type: "proxy", providers: [provider], config: { log_level: "trace", kubernetes_replicas: 1 } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ managed: EMBEDDED, providers: [provider], config: { log_level: "trace", kubernetes_replicas: 1 }, token_identifier: `ak-outpost-${id}-api` });
    expect(put.body.providers_obj[0].pk).toBe(provider);
    const rename = await call("PATCH", `/outposts/instances/${id}/`, { name: "renamed" });
    expect(rename).toEqual({ status: 400, body: { name: ["Embedded outpost's name cannot be changed"] } });
    // the embedded outpost may have no providers; any other may not
    expect((await call("PATCH", `/outposts/instances/${id}/`, { providers: [] })).status).toBe(200);
    const other = await call("POST", "/outposts/instances/", { name: "other", type: "proxy", providers: [], config: {} });
    expect(other).toEqual({ status: 400, body: { providers: ["This list may not be empty."] } });
  });

  it("checks config against OutpostConfig's types and providers for existence", async () => {
    const provider = await setup();
    const bad = await call("POST", "/outposts/instances/", { name: "o", type: "proxy", providers: [provider], config: { kubernetes_replicas: "two" } });
    expect(bad).toEqual({ status: 400, body: { config: ['Failed to validate config: wrong value type for field "kubernetes_replicas" - should be "int" instead of value "two" of type "str"'] } });
    expect((await call("POST", "/outposts/instances/", { name: "o", type: "proxy", providers: [provider], config: "x" })).body).toEqual({ config: ["Value must be a dictionary, and not have any duplicate keys."] });
    expect((await call("POST", "/outposts/instances/", { name: "o", type: "proxy", providers: [77], config: {} })).body).toEqual({ providers: ['Invalid pk "77" - object does not exist.'] });
    expect((await call("POST", "/outposts/instances/", { name: "o", type: "ldap", providers: [provider], config: {} })).body).toEqual({ providers: ["Outpost type ldap can't be used with ProxyProvider providers."] });
    expect((await call("POST", "/outposts/instances/", { name: "authentik Embedded Outpost", type: "proxy", providers: [provider], config: {} })).body).toEqual({ name: ["outpost with this name already exists."] });
  });

  it("serves default_settings with this server's URL", async () => {
    const r = await call("GET", "/outposts/instances/default_settings/");
    expect(r.body.config).toMatchObject({ authentik_host: `${api.url}/`, object_naming_template: "ak-outpost-%(name)s", kubernetes_replicas: 1, kubernetes_json_patches: null });
  });
});

describe("change feed", () => {
  it("tells in-process listeners and long-polling clients about outpost changes", async () => {
    const seen: Change[] = [];
    api.core.on("change", (c: Change) => seen.push(c));
    const f = await flow("f");
    const p = await call("POST", "/providers/proxy/", proxyBody(f));
    const since = api.core.store.seq;
    const poll = fetch(`${api.url}/_stand-in/changes?since=${since}&collection=/outposts/instances/&wait=10`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 100));
    const o = await call("POST", "/outposts/instances/", { name: "o", type: "proxy", providers: [p.body.pk], config: { kubernetes_replicas: 1 } });
    const answer = (await poll) as { seq: number; changes: Change[] };
    expect(answer.changes).toHaveLength(1);
    expect(answer.changes[0]).toMatchObject({ kind: "created", collection: "/outposts/instances/", pk: o.body.pk });
    expect((answer.changes[0].object as any).config).toEqual({ kubernetes_replicas: 1 });
    await call("DELETE", `/outposts/instances/${o.body.pk}/`);
    expect(seen.filter((c) => c.collection === "/outposts/instances/").map((c) => c.kind)).toEqual(["created", "deleted"]);
    const refused = await fetch(`${api.url}/_stand-in/changes`);
    expect(refused.status).toBe(403);
  });
});

describe("state file and seeding", () => {
  it("persists objects (0600) and reads them back; a seed with a bad field names it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-api-"));
    const file = path.join(dir, "state.json");
    const a = await startAuthentikApi({ tokens: [TOKEN], stateFile: file, seed: { objects: { "/flows/instances/": [{ name: "f", slug: "f", title: "f", designation: "authorization" }] } } });
    await a.close();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const b = await startAuthentikApi({ tokens: [TOKEN], stateFile: file });
    expect(b.core.store.all("/flows/instances/").map((r) => r.slug)).toEqual(["f"]);
    await b.close();
    await expect(startAuthentikApi({ tokens: [TOKEN], seed: { objects: { "/flows/instances/": [{ name: "f", slug: "f", title: "f", designation: "nope" }] } } })).rejects.toThrow(
      /\/flows\/instances\/\[0\].*designation.*not a valid choice/,
    );
  });
});

describe("the process", () => {
  it("starts with --port 0 --token-file --state, prints its URL, serves, and stops on SIGTERM", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-api-"));
    const tokenFile = path.join(dir, "token");
    const entry = path.join(__dirname, "..", "..", "dist", "authentik-api", "main.js");
    expect(fs.existsSync(entry)).toBe(true);
    const child = spawn(process.execPath, [entry, "--port", "0", "--token-file", tokenFile, "--state", path.join(dir, "state.json")], { stdio: ["ignore", "pipe", "pipe"] });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.once("data", (d: Buffer) => resolve(d.toString().trim()));
      child.once("exit", (code) => reject(new Error(`exited ${code}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const token = fs.readFileSync(tokenFile, "utf8").trim();
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);
    const r = await fetch(`${url}/api/v3/flows/instances/`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const bad = spawn(process.execPath, [entry, "--port", "99999", "--token-file", tokenFile], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    bad.stderr.on("data", (d: Buffer) => (err += d.toString()));
    expect(await new Promise((resolve) => bad.once("exit", resolve))).toBe(2);
    expect(err).toContain("--port");
    expect(err).not.toContain(token);
  });
});

describe("model defaults for the identity layer's objects (read from authentik's models)", () => {
  it("fills what a client leaves out as authentik does", async () => {
    const rep = await call("POST", "/policies/reputation/", { name: "brute-force-protection" });
    expect(rep.body).toMatchObject({ check_ip: true, check_username: true, threshold: -5, execution_logging: false, component: "ak-policy-reputation-form" });
    const f = await flow("invitation-enrollment", "enrollment");
    const binding = await call("POST", "/policies/bindings/", { policy: rep.body.pk, target: f, order: 0 });
    expect(binding.body).toMatchObject({ enabled: true, negate: false, timeout: 30, failure_result: false, group: null, user: null });
    const before = Date.now();
    const inv = await call("POST", "/stages/invitation/invitations/", { name: "welcome", fixed_data: { group: "Allow Login Users" } });
    expect(inv.body).toMatchObject({ single_use: false, flow: null, fixed_data: { group: "Allow Login Users" } });
    const expires = Date.parse(inv.body.expires);
    expect(expires - before).toBeGreaterThanOrEqual(30 * 60_000 - 1000);
    expect(expires - before).toBeLessThanOrEqual(30 * 60_000 + 5000);
    expect(inv.body.created_by).toMatchObject({ username: expect.any(String) });
    expect((await call("POST", "/stages/invitation/invitations/", { name: "not a slug" })).body).toEqual({ name: ["Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."] });
    const fsb = await call("POST", "/flows/bindings/", { target: f, stage: (await call("POST", "/stages/invitation/stages/", { name: "invitation-validation" })).body.pk, order: 10 });
    expect(fsb.body).toMatchObject({ evaluate_on_plan: false, re_evaluate_policies: true, invalid_response_action: "retry", policy_engine_mode: "any" });
    expect((await call("GET", `/flows/instances/invitation-enrollment/`)).body.stages).toEqual([fsb.body.stage]);
  });
});
