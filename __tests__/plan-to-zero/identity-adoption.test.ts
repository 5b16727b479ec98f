/**
 * The identity layer's adoption, proven with real Terraform and the real goauthentik provider v2026.2.1
 * against the loopback authentik API seeded with the live identity objects (support/identity-world.ts,
 * written from the seed's snapshot): `adopt` finds them, the stack's import blocks plan as imports with no
 * other change, applying the imports and then emptying the adoption file still plans to zero, and a
 * configuration that does not match the live objects shows as a change (import+update), never "No changes".
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { planStack } from "../../engine/plan";
import { AuthentikStack } from "../../constructs/authentik-stack";
import { loadConfig } from "../../config/load";
import { DEFAULT_IDENTITY, IdentityConfig } from "../../config/identity";
import { findAdoptions } from "../../engine/adopt";
import { authentikClient } from "../../io/authentik-client";
import { startAuthentikApi, AuthentikApiServer } from "../../authentik-api/server";
import { GoauthentikWorkdir, goauthentikPart, realGoauthentik } from "../support/goauthentik-workdir";
import { identitySeed, PK } from "../support/identity-world";
import { runPolicy } from "../../policy";

jest.setTimeout(900_000);
const TOKEN = "test-identity-adoption-token-7a21";
const provider = realGoauthentik();
const describeWithRealProvider = !provider.ok && provider.standin ? describe.skip : describe;
if (!provider.ok && provider.standin) console.warn(`SKIPPED (not passed): ${provider.why}`);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "ak-identity-adoption-"));
let api: AuthentikApiServer;
let imports: Record<string, string>;

beforeAll(async () => {
  api = await startAuthentikApi({ tokens: [TOKEN], seed: identitySeed() });
  const found = await findAdoptions(authentikClient({ url: api.url, token: TOKEN }), DEFAULT_IDENTITY);
  expect(found.missing).toEqual([]);
  imports = found.imports;
});
afterAll(async () => api && (await api.close()));

/** The synthesized stack (identity config, imports) reduced to its identity layer, in a terraform dir. */
async function workdir(name: string, identity: IdentityConfig, withImports: Record<string, string>) {
  const p = realGoauthentik();
  if (!p.ok) throw new Error(p.why);
  const app = new App({ outdir: fs.mkdtempSync(path.join(scratch, "synth-")) });
  const stack = new AuthentikStack(app, { config: loadConfig({}), identity, imports: withImports });
  const json = JSON.parse(JSON.stringify(stack.toTerraform()));
  const wd = new GoauthentikWorkdir(path.join(scratch, name), p.terraformrc);
  wd.write(api.url, { ...goauthentikPart(json, new Set(stack.identity.resources.keys())), import: json.import });
  return wd;
}
const plan = (wd: GoauthentikWorkdir) => planStack({ dir: wd.dir, env: { ...wd.env, TF_VAR_authentik_token: TOKEN } });

describeWithRealProvider("adopting the live identity objects (real provider, loopback API)", () => {
  it("plans 25 imports and no other change; after applying them, the emptied adoption file plans to zero", async () => {
    const wd = await workdir("adopt", DEFAULT_IDENTITY, imports);
    const { verdict, plan: raw } = await plan(wd);
    expect(verdict.changes).toEqual([]);
    // the deploy policy passes a clean adoption (imports with no other change: PL005 has nothing to say)
    expect(runPolicy(raw, { releases: {} }).findings).toEqual([]);
    expect(verdict.noChanges).toBe(true);
    expect(verdict.imports).toHaveLength(25);
    expect(verdict.imports).toContainEqual({ address: "authentik_flow.invitation_enrollment", id: "invitation-enrollment" });
    // apply the imports (nothing else is planned), then drop the import blocks: still zero
    const applied = await wd.tf(["apply", "-input=false", "-auto-approve"], TOKEN);
    expect(applied.stdout).toMatch(/25 imported, 0 added, 0 changed, 0 destroyed/);
    const emptied = await workdir("adopt", DEFAULT_IDENTITY, {});
    const after = await plan(emptied);
    expect(after.verdict).toMatchObject({ noChanges: true, changes: [], imports: [], destroysAdopted: [] });
    // the live objects were read, never written
    expect(api.requests.filter((r) => /^(POST|PUT|PATCH|DELETE) /.test(r))).toEqual([]);
  });

  it("a configuration that does not match a live object shows as import+update of that attribute", async () => {
    const wrong = structuredClone(DEFAULT_IDENTITY) as any;
    wrong.bruteForcePolicy.threshold = 10;
    const { verdict, plan: raw } = await plan(await workdir("mismatch", wrong, imports));
    expect(verdict.noChanges).toBe(false);
    // and `deploy` refuses it: an import that would also change the live object (PL005)
    const policy = runPolicy(raw, { releases: {} });
    expect(policy.findings.map((f) => `${f.id} ${f.severity} ${f.address}`)).toEqual(["PL005 error authentik_policy_reputation.brute_force_protection"]);
    expect(policy.findings[0].message).toContain("the import would also change it (threshold)");
    expect(verdict.changes.map((c) => [c.address, c.kind, c.importing, c.attributes])).toEqual([["authentik_policy_reputation.brute_force_protection", "update", PK.reputation, ["threshold"]]]);
  });

  it("an adoption file pointing an address at the wrong live object shows as a change, not as No changes", async () => {
    const swapped = { ...imports, "authentik_group.headscale_users": PK.groups["Wrongmove Users"] };
    const { verdict } = await plan(await workdir("swapped", DEFAULT_IDENTITY, swapped));
    expect(verdict.noChanges).toBe(false);
    expect(verdict.changes.map((c) => [c.address, c.kind, c.attributes])).toEqual([["authentik_group.headscale_users", "update", ["name"]]]);
  });
});
