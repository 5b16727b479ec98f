/**
 * The plan policy over real plans: real Terraform and the real kubernetes/helm/vault providers plan the
 * stack against the reference state (see plan-to-zero.test.ts), after a change made the way an operator
 * makes it (an edited values file, a config override, a chart bump, a lost moved block). `show -json` is
 * terraform's own. The facts the deploy engine reads from the cluster (running images) and the chart
 * repository (appVersion) are given here; e2e tests read them from the rehearsal cluster.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPolicy, PolicyFacts, formatPolicyFinding, RunningImage } from "../../policy";
import { DeepPartial, StackConfig } from "../../config";
import { ROOT, synthJson, clone } from "../support/synth";
import { OfflineWorld, startOfflineWorld, TEST_SECRETS } from "../support/offline-world";
import { buildReferenceState, planAgainstReference } from "../support/reference-state";

jest.setTimeout(600_000);

let world: OfflineWorld;
let state: string;
const LIVE_VALUES = fs.readFileSync(path.join(ROOT, "values", "authentik.yaml"), "utf8");
const RELEASE = "helm_release.authentik";

beforeAll(async () => {
  world = await startOfflineWorld(["2026.2.2", "2026.5.6"]);
  state = await buildReferenceState(world);
});
afterAll(async () => world && (await world.close()));

/** What the deploy engine reads from the cluster: the server and worker Deployments' images. */
function running(version: string): RunningImage[] {
  return ["server", "worker"].map((c) => ({ image: `ghcr.io/goauthentik/server:${version}`, source: `deployment authentik/goauthentik-${c} container ${c}` }));
}
const facts = (runningVersion: string, targetAppVersion = "2026.2.2"): PolicyFacts => ({ releases: { [RELEASE]: { running: running(runningVersion), targetAppVersion } } });

/** The operator's edited values file, referenced from a config override. */
function withValues(text: string, more: DeepPartial<StackConfig> = {}): DeepPartial<StackConfig> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ak-values-")), "authentik.yaml");
  fs.writeFileSync(file, text);
  return { ...more, release: { ...(more.release ?? {}), valuesFile: file } };
}

async function plan(overrides: DeepPartial<StackConfig>, name: string, edit?: (json: any) => void) {
  const json = clone(synthJson(overrides)) as any;
  edit?.(json);
  return (await planAgainstReference(world, state, json, name)).plan;
}

const ids = (r: ReturnType<typeof runPolicy>) => r.findings.map((f) => `${f.id} ${f.severity} ${f.address}`);

describe("policy over real plans", () => {
  it("the unchanged stack passes: no findings (helm release no-op, module resources only move)", async () => {
    const p = await plan({}, "unchanged");
    const r = runPolicy(p, facts("2026.2.2"));
    expect(r.findings).toEqual([]);
    expect(r.refused).toBe(false);
  });

  it("PL002: a comment added to the values file is refused, saying why and what to do", async () => {
    const p = await plan(withValues("# reviewed 2026-05: no change\n" + LIVE_VALUES), "cosmetic");
    const r = runPolicy(p, facts("2026.2.2"));
    expect(ids(r)).toEqual([`PL002 error ${RELEASE}`]);
    expect(r.refused).toBe(true);
    const line = formatPolicyFinding(r.findings[0]);
    expect(line).toMatch(/full helm upgrade/);
    expect(line).toMatch(/byte-identical/);
    // the plan carries Vault values in clear; the report never shows them
    for (const v of [...Object.values(TEST_SECRETS.platform), ...Object.values(TEST_SECRETS.authentik)]) expect(JSON.stringify(r)).not.toContain(v);
    // acknowledged, it passes and stays visible
    const acked = runPolicy(p, facts("2026.2.2"), { acks: [{ id: "PL002", reason: "checked: no out-of-band changes on the release" }] });
    expect(acked.refused).toBe(false);
    expect(formatPolicyFinding(acked.findings[0])).toContain("[acknowledged: checked: no out-of-band changes on the release]");
  });

  it("PL003: a real values change while an updater runs a newer image than the chart's default is refused (the 50-minute outage)", async () => {
    const p = await plan(withValues(LIVE_VALUES.replace("server:\n  replicas: 3", "server:\n  replicas: 4")), "replicas");
    expect(runPolicy(p, facts("2026.2.2")).findings).toEqual([]); // same image as running: a normal upgrade
    const r = runPolicy(p, facts("2026.5.6"));
    expect(ids(r)).toEqual([`PL003 error ${RELEASE}`, `PL003 error ${RELEASE}`]);
    expect(r.findings[0].message).toContain("server would run ghcr.io/goauthentik/server:2026.2.2 (from the chart's appVersion), older than ghcr.io/goauthentik/server:2026.5.6");
    expect(r.findings[0].fix).toContain('Pin global.image.tag: "2026.5.6"');
  });

  it("PL003: pinning an older tag in the values file is refused; the same tag as running passes", async () => {
    const older = LIVE_VALUES.replace("global:\n", 'global:\n  image:\n    tag: "2026.2.1"\n');
    expect(older).not.toBe(LIVE_VALUES);
    const r = runPolicy(await plan(withValues(older), "older-tag"), facts("2026.2.2"));
    expect(ids(r)).toEqual([`PL003 error ${RELEASE}`, `PL003 error ${RELEASE}`]);
    expect(r.findings[1].message).toContain("worker would run ghcr.io/goauthentik/server:2026.2.1 (from values global.image.tag)");
    expect(r.findings[1].fix).toContain("Set global.image.tag to 2026.2.2 or later");
    const same = runPolicy(await plan(withValues(LIVE_VALUES.replace("global:\n", 'global:\n  image:\n    tag: "2026.2.2"\n')), "same-tag"), facts("2026.2.2"));
    expect(same.findings).toEqual([]);
  });

  it("PL004: a chart bump with the image following the chart's default is warned; PL003 refuses it over a newer running image", async () => {
    const p = await plan({ release: { version: "2026.5.6" } }, "bump");
    const rc = (p.resource_changes as any[]).find((x) => x.address === RELEASE);
    expect([rc.change.actions, rc.change.before.version, rc.change.after.version]).toEqual([["update"], "2026.2.2", "2026.5.6"]);
    const r = runPolicy(p, facts("2026.2.2", "2026.5.6"));
    expect(ids(r)).toEqual([`PL004 warning ${RELEASE}`]);
    expect(r.refused).toBe(false);
    expect(r.warnings).toBe(1);
    expect(r.findings[0].fix).toContain('Pin global.image.tag: "2026.5.6"');
    expect(runPolicy(p, facts("2026.2.2", "2026.5.6"), { acks: [{ id: "PL004", reason: "rehearsed in the box first" }] }).warnings).toBe(0);
    expect(ids(runPolicy(p, facts("2026.8.0", "2026.5.6")))).toEqual([`PL003 error ${RELEASE}`, `PL003 error ${RELEASE}`, `PL004 warning ${RELEASE}`]);
    // the chart bump with the image pinned: no warning
    const pinned = await plan(withValues(LIVE_VALUES.replace("global:\n", 'global:\n  image:\n    tag: "2026.5.6"\n'), { release: { version: "2026.5.6" } }), "bump-pinned");
    expect(runPolicy(pinned, facts("2026.2.2", "2026.5.6")).findings).toEqual([]);
  });

  it("PL001: a renamed release (replace) and a lost moved block (destroy) are refused unless allowed by address", async () => {
    const renamed = await plan({ release: { name: "authentik" } }, "rename");
    const r = runPolicy(renamed, facts("2026.2.2"));
    expect(ids(r)).toContain(`PL001 error ${RELEASE}`);
    const f = r.findings.find((x) => x.id === "PL001")!;
    expect(f.message).toMatch(/would be destroyed and re-created \(forced by name\)/);
    expect(f.fix).toContain(`--allow-destroy ${RELEASE}=`);
    const allowed = runPolicy(renamed, facts("2026.2.2"), { allowDestroy: new Map([[RELEASE, "renaming the release, window agreed"]]) });
    expect(allowed.findings.find((x) => x.id === "PL001")!.allowed).toEqual({ reason: "renaming the release, window agreed" });
    expect(allowed.refused).toBe(false);

    const unmoved = await plan({}, "unmoved-secret", (json) => (json.moved = json.moved.filter((m: any) => !m.to.startsWith("kubernetes_secret."))));
    const u = runPolicy(unmoved, facts("2026.2.2"));
    const destroyed = u.findings.filter((x) => x.id === "PL001").map((x) => x.address);
    expect(destroyed.length).toBeGreaterThan(0);
    expect(destroyed.every((a) => a.startsWith("module.authentik.") && a.includes("kubernetes_secret."))).toBe(true);
    expect(u.findings.find((x) => x.id === "PL001")!.message).toContain("the configuration no longer declares it");
  });

  it("PL006: a resource type the policy doesn't know is refused, not passed", async () => {
    const p = await plan({}, "unknown-type", (json) => {
      json.resource.kubernetes_cron_job_v1 = {
        cleanup: { metadata: { name: "cleanup", namespace: "authentik" }, spec: { schedule: "0 3 * * *", job_template: { metadata: {}, spec: { template: { metadata: {}, spec: { container: [{ name: "c", image: "busybox:1.36" }] } } } } } },
      };
    });
    const r = runPolicy(p, facts("2026.2.2"));
    expect(ids(r)).toEqual(["PL006 error kubernetes_cron_job_v1.cleanup"]);
    expect(r.findings[0].fix).toContain("policy/resource-classes.ts");
  });
});
