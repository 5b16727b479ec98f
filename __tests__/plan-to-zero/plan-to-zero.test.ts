/**
 * The offline proof that the CDKTF stack manages exactly what runs today: real Terraform, the five real
 * providers at exactly the pinned versions (kubernetes 2.38.0, helm 3.1.1, vault 4.8.0, cloudflare 4.52.8,
 * goauthentik 2026.2.1; README, Providers), the real chart from the loopback repository,
 * a state derived from the reference by scripts/reference-state.py (no CDKTF code involved), and the
 * plan-to-zero judge the operator command uses.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatVerdict } from "../../engine/plan";
import { StackJson } from "../../guards/types";
import { synthJson, clone } from "../support/synth";
import { OfflineWorld, startOfflineWorld, TEST_SECRETS } from "../support/offline-world";
import { buildReferenceState, planAgainstReference } from "../support/reference-state";
import { referenceAuthentikSeed } from "../support/reference-authentik";

jest.setTimeout(600_000);

let world: OfflineWorld;
let state: string;
/** The reference's goauthentik objects as the loopback authentik API holds them; the provider imports from there. */
const authentikDir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-ref-authentik-"));

/** Plans against the reference state (the identity layer left out: see support/reference-state.ts). */
const planAgainst = (stackJson: StackJson, name: string) => planAgainstReference(world, state, stackJson, name);

beforeAll(async () => {
  world = await startOfflineWorld(undefined, { authentikSeed: referenceAuthentikSeed(authentikDir) });
  state = await buildReferenceState(world, { authentikDir });
});

afterAll(async () => world && (await world.close()));

describe("plan-to-zero against the reference state", () => {
  it("the state holds every reference resource at its reference address", () => {
    const s = JSON.parse(fs.readFileSync(state, "utf8"));
    const addrs = s.resources.map((r: any) => `${r.module ? r.module + "." : ""}${r.type}.${r.name}${r.instances[0].index_key !== undefined ? `[${r.instances[0].index_key}]` : ""}`);
    expect(addrs).toHaveLength(17);
    expect(addrs).toContain("module.authentik.module.ingress.cloudflare_record.proxied[0]");
    expect(addrs).toContain("authentik_outpost.embedded");
  });

  it("its goauthentik entries are what the real provider imported from the loopback API, not derived", () => {
    const s = JSON.parse(fs.readFileSync(state, "utf8"));
    const imported = JSON.parse(fs.readFileSync(path.join(authentikDir, "import", "terraform.tfstate"), "utf8")).resources.filter((r: any) => r.mode === "managed");
    expect(s.resources.filter((r: any) => r.type.startsWith("authentik_"))).toEqual(imported);
    expect(imported.map((r: any) => `${r.type}.${r.name}`).sort()).toEqual(["authentik_application.catchall", "authentik_outpost.embedded", "authentik_provider_proxy.catchall", "authentik_stage_user_login.default_login"]);
    expect(world.requests).toContain("authentik GET /api/v3/outposts/instances/0eecac07-97c7-443c-8925-05f2f4fe3e47/ 200");
  });

  it("the unchanged stack plans to no create/update/delete/replace; module resources only move", async () => {
    const { verdict } = await planAgainst(synthJson(), "unchanged");
    expect(verdict.changes).toEqual([]);
    expect(verdict.noChanges).toBe(true);
    expect(verdict.moves).toHaveLength(13);
    expect(verdict.moves).toContainEqual({ from: "module.authentik.helm_release.authentik", to: "helm_release.authentik" });
    // the chart came from the loopback repository at the real URL, Vault from the loopback server
    expect(world.requests).toContain("charts GET /index.yaml");
    expect(world.requests.some((r) => r.startsWith("vault GET /v1/secret/data/platform"))).toBe(true);
  });

  it("a changed access_token_validity fails, naming the address and attribute", async () => {
    const { verdict } = await planAgainst(synthJson({ catchAll: { accessTokenValidity: "weeks=1" } }), "ttl");
    expect(verdict.noChanges).toBe(false);
    expect(verdict.changes).toEqual([{ address: "authentik_provider_proxy.catchall", kind: "update", attributes: ["access_token_validity"], previousAddress: undefined }]);
  });

  it("a changed pgbouncer setting fails, naming the ConfigMap data", async () => {
    const { verdict } = await planAgainst(synthJson({ pgbouncer: { defaultPoolSize: 25 } }), "pool");
    expect(verdict.changes.map((c) => [c.address, c.kind, c.attributes])).toEqual([
      ["kubernetes_config_map.pgbouncer_config", "update", ["data.pgbouncer.ini"]],
    ]);
    expect(verdict.changes[0].previousAddress).toBe("module.authentik.kubernetes_config_map.pgbouncer_config");
  });

  it("a removed moved block shows as destroy + create", async () => {
    const json = clone(synthJson()) as any;
    json.moved = json.moved.filter((m: any) => m.to !== "kubernetes_service.pgbouncer");
    const { verdict } = await planAgainst(json, "unmoved");
    expect(verdict.changes.map((c) => `${c.kind} ${c.address}`).sort()).toEqual(["create kubernetes_service.pgbouncer", "delete module.authentik.kubernetes_service.pgbouncer"]);
  });

  it("a values text that only differs cosmetically is reported as its own kind of change", async () => {
    const json = clone(synthJson()) as any;
    json.locals.authentik_values = "# a comment the deployed text doesn't have\n" + json.locals.authentik_values;
    const { verdict } = await planAgainst(json, "cosmetic");
    expect(verdict.changes).toHaveLength(1);
    expect(verdict.changes[0]).toMatchObject({ address: "helm_release.authentik", kind: "helm-values-text" });
    expect(verdict.changes[0].note).toContain("helm upgrade");
    // the plan carries the Vault values in clear; the report never shows values
    const report = JSON.stringify(verdict) + formatVerdict(verdict).join("\n");
    for (const v of [...Object.values(TEST_SECRETS.platform), ...Object.values(TEST_SECRETS.authentik)]) expect(report).not.toContain(v);
  });

  it("never leaks the test secrets into the synthesized JSON", () => {
    const text = JSON.stringify(synthJson());
    for (const v of [...Object.values(TEST_SECRETS.platform), ...Object.values(TEST_SECRETS.authentik), "test-homepage-token-77c2"]) expect(text).not.toContain(v);
  });
});
