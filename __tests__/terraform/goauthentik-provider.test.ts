/**
 * The real goauthentik provider (v2026.2.1, built from its release archive into the mirror) against the
 * loopback authentik API: it configures (GET /root/config/), looks flows up by slug, and applies, reads,
 * updates and destroys the stack's goauthentik resources exactly as synthesized; what it stores is what
 * the API holds, a second plan finds nothing to do, and an out-of-band change shows as drift.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startAuthentikApi, AuthentikApiServer } from "../../authentik-api/server";
import { synthJson } from "../support/synth";
import { GoauthentikWorkdir, goauthentikPart, realGoauthentik } from "../support/goauthentik-workdir";

jest.setTimeout(300_000);
const TOKEN = "test-authentik-token-1f4e";
const FLOWS = [
  { name: "Authorize Application", slug: "default-provider-authorization-implicit-consent", title: "Redirecting to %(app)s", designation: "authorization" },
  { name: "Default Provider Invalidation Flow", slug: "default-provider-invalidation-flow", title: "Default Provider Invalidation Flow", designation: "invalidation" },
];
const SERVICE_CONNECTION = { pk: "99e227a7-4562-4888-9660-4c27da678c50", name: "Local Kubernetes Cluster", local: true, kubeconfig: {} };
// what the identity layer looks up (not managed: the passkey flow and the social login sources)
const PASSKEY_FLOW = { name: "webauthn", slug: "webauthn", title: "Passkey", designation: "authentication" };
const SOURCES = ["google", "github", "facebook"].map((slug) => ({ name: slug, slug, provider_type: slug, consumer_key: `test-${slug}-client-id`, consumer_secret: `test-${slug}-client-secret` }));

const provider = realGoauthentik();
const describeWithRealProvider = !provider.ok && provider.standin ? describe.skip : describe;
if (!provider.ok && provider.standin) console.warn(`SKIPPED (not passed): ${provider.why}`);
let api: AuthentikApiServer;
let wd: GoauthentikWorkdir;
const stack = synthJson();
const part = goauthentikPart(stack);

beforeAll(async () => {
  if (!provider.ok) {
    if (provider.standin) return;
    throw new Error(provider.why);
  }
  api = await startAuthentikApi({ tokens: [TOKEN], seed: { objects: { "/flows/instances/": [...FLOWS, PASSKEY_FLOW], "/outposts/service_connections/kubernetes/": [SERVICE_CONNECTION], "/sources/oauth/": SOURCES } } });
  wd = new GoauthentikWorkdir(fs.mkdtempSync(path.join(os.tmpdir(), "ak-goauthentik-")), provider.terraformrc);
  wd.write(api.url, part);
  await wd.init(TOKEN);
});
afterAll(async () => api && (await api.close()));

const one = (col: string) => {
  const all = api.core.store.all(col);
  expect(all).toHaveLength(1);
  return all[0];
};

describeWithRealProvider("the real goauthentik provider against the loopback API", () => {
  it("applies the stack's goauthentik resources; the API holds them as configured", async () => {
    const r = await wd.tf(["apply", "-auto-approve", "-input=false"], TOKEN);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const count = Object.values(part.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
    expect(count).toBeGreaterThanOrEqual(4);
    expect(r.stdout).toContain(`Apply complete! Resources: ${count} added, 0 changed, 0 destroyed.`);
    // the provider's configure step and the slug lookups reached the API with the token
    expect(api.requests).toContain("GET /api/v3/root/config/ 200");
    expect(api.requests).toContain("GET /api/v3/flows/instances/?slug=default-provider-invalidation-flow 200");
    expect(api.requests.some((l) => / 403$/.test(l))).toBe(false);

    const flows = Object.fromEntries(api.core.store.all("/flows/instances/").map((f) => [f.slug, f.pk]));
    const cfg = stack.resource as any;
    const proxy = one("/providers/proxy/");
    expect(proxy).toMatchObject({
      name: cfg.authentik_provider_proxy.catchall.name,
      mode: "forward_domain",
      access_token_validity: "weeks=4",
      cookie_domain: cfg.authentik_provider_proxy.catchall.cookie_domain,
      authorization_flow: flows["default-provider-authorization-implicit-consent"],
      invalidation_flow: flows["default-provider-invalidation-flow"],
    });
    expect(one("/core/applications/")).toMatchObject({ slug: "domain-wide-catch-all", provider: proxy.pk });
    expect(api.core.store.all("/stages/user_login/").find((x) => x.name === "default-authentication-login")).toMatchObject({ session_duration: "weeks=4" });
    // the identity layer went through the same API: groups with parents, the enrollment flow's bindings in order
    const groups = api.core.store.all("/core/groups/");
    expect(groups.length).toBe(Object.keys(cfg.authentik_group ?? {}).length);
    const flow = api.core.store.all("/flows/instances/").find((x) => x.slug === "invitation-enrollment");
    if (cfg.authentik_flow?.invitation_enrollment) {
      expect(flow).toMatchObject({ designation: "enrollment" });
      const orders = api.core.store.all("/flows/bindings/").filter((b) => b.target === flow!.pk).map((b) => b.order).sort((a: any, b: any) => a - b);
      expect(orders).toEqual(Object.values<any>(cfg.authentik_flow_stage_binding).map((b) => b.order).sort((a: any, b: any) => a - b));
    }
    const outpost = one("/outposts/instances/");
    expect(outpost).toMatchObject({ name: "authentik Embedded Outpost", type: "proxy", providers: [proxy.pk], service_connection: SERVICE_CONNECTION.pk });
    expect(outpost.config).toEqual(JSON.parse(cfg.authentik_outpost.embedded.config));
    // created through the API (not by authentik), so not managed: validate_name only marks an existing outpost
    expect(outpost.managed).toBeNull();
  });

  it("plans no changes right after the apply (what it reads back is what it wrote)", async () => {
    const r = await wd.tf(["plan", "-detailed-exitcode", "-input=false"], TOKEN);
    expect(r.stdout).toContain("No changes.");
    expect(r.status).toBe(0);
  });

  it("an out-of-band change through the API shows as drift on the attribute, and apply restores it", async () => {
    const proxy = one("/providers/proxy/");
    const patched = api.core.handle("PATCH", `/providers/proxy/${proxy.pk}/`, new URLSearchParams(), { access_token_validity: "hours=1" }, `Bearer ${TOKEN}`);
    expect(patched.status).toBe(200);
    const plan = await wd.tf(["plan", "-detailed-exitcode", "-input=false"], TOKEN);
    expect(plan.status).toBe(2);
    expect(plan.stdout).toMatch(/~ access_token_validity\s+= "hours=1" -> "weeks=4"/);
    expect((await wd.tf(["apply", "-auto-approve", "-input=false"], TOKEN)).status).toBe(0);
    expect(one("/providers/proxy/").access_token_validity).toBe("weeks=4");
  });

  it("a value the server refuses fails the apply with the server's field message", async () => {
    const bad = JSON.parse(JSON.stringify(part));
    bad.resource.authentik_provider_proxy.catchall.external_host = "not a url";
    wd.write(api.url, bad);
    const r = await wd.tf(["apply", "-auto-approve", "-input=false"], TOKEN);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Enter a valid URL.");
    expect(one("/providers/proxy/").external_host).toBe("https://authentik.viktorbarzin.me");
    wd.write(api.url, part);
  });

  it("a wrong token is refused as authentik refuses it", async () => {
    const r = await wd.tf(["plan", "-input=false"], "not-the-token");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/403|Token invalid\/expired/);
  });

  it("destroys everything it created, leaving the seeded flows and sources", async () => {
    const r = await wd.tf(["destroy", "-auto-approve", "-input=false"], TOKEN);
    expect(r.status).toBe(0);
    for (const col of ["/providers/proxy/", "/core/applications/", "/stages/user_login/", "/outposts/instances/"]) expect(api.core.store.all(col)).toEqual([]);
    expect(api.core.store.all("/flows/instances/").map((f) => f.slug).sort()).toEqual([...FLOWS.map((f) => f.slug), "webauthn"].sort());
    expect(api.core.store.all("/core/groups/")).toEqual([]);
  });
});
