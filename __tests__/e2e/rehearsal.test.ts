/**
 * The operator's rehearsal, end to end, in the box: `cdktf deploy authentik` of the unchanged stack
 * against a real API server, PostgreSQL state, the real chart and providers; verify-upgrade with the real
 * kubectl; plan-to-zero with refresh; out-of-band breakage caught and repaired by a redeploy; a chart
 * upgrade rehearsal 2026.2.2 -> 2026.2.3 -> 2026.5.6 -> 2026.8.0; and `box down` leaving nothing behind.
 * Steps depend on each other (one box, one state), in order.
 */
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_CONFIG, deriveNames } from "../../config";
import { SERVER_POD_LABELS } from "../../config";
import { alive } from "../../box/procs";
import { BoxState } from "../../box/state";
import { ROOT } from "../support/synth";
import { boxEnv, cdktfDeploy, cli, evalExports, listeners, planToZero, processTree, rehearsalPrerequisites, run, until, verdicts, verifyUpgrade, STACK_DIR } from "../support/box";
import { sameMap } from "../support/box";

jest.setTimeout(1800000);

// Without the real providers and chart the rehearsal cannot apply anything: every test below is reported
// as skipped (not passed), and the reason is printed.
const missing = rehearsalPrerequisites();
if (missing.length) process.stderr.write(`rehearsal skipped: ${missing.join("; ")}\n`);
const describeIf = missing.length ? describe.skip : describe;
const c = DEFAULT_CONFIG;
const n = deriveNames(c);
const UPGRADES = ["2026.2.3", "2026.5.6", "2026.8.0"];
const base = boxEnv();
let env: NodeJS.ProcessEnv = {};
let up: { code: number | null; out: string; err: string };
let pids: number[] = [];
let ports: number[] = [];
/** The override file the box wrote (edge URL), extended by the steps that change the config. */
let boxConfig: any = {};

beforeAll(() => {
  if (missing.length) return;
  up = cli(["box", "up", ...[c.release.version, ...UPGRADES].flatMap((v) => ["--chart", v])], base, 900000);
  if (up.code !== 0) return;
  env = evalExports(up.out, base);
  boxConfig = JSON.parse(fs.readFileSync(env.AUTHENTIK_STACK_CONFIG!, "utf8"));
  const state: BoxState = JSON.parse(fs.readFileSync(path.join(base.AUTHENTIK_STACK_BOX_DIR!, "state.json"), "utf8"));
  pids = state.procs.flatMap((p) => processTree(p.pid));
  ports = state.procs.flatMap((p) => p.ports);
});

afterAll(() => {
  if (!missing.length) cli(["box", "down"], base);
});

const kubectl = (args: string[]) => run("kubectl", ["-n", c.namespace, ...args], env, { timeoutMs: 60000 });
const kjson = (args: string[]) => JSON.parse(kubectl([...args, "-o", "json"]).out || "{}");
const selector = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");

/** authentik's REST API at its real URL, through the box gateway (as any client would reach it). */
function api(method: string, apiPath: string, body?: unknown): any {
  const r = run("curl", ["-sS", "-X", method, "-H", `Authorization: Bearer ${env.AUTHENTIK_TOKEN}`, "-H", "Content-Type: application/json", ...(body ? ["--data-binary", JSON.stringify(body)] : []), "-w", "\n%{http_code}", `${env.AUTHENTIK_URL}/api/v3${apiPath}`], env);
  const lines = r.out.trimEnd().split("\n");
  const status = Number(lines.pop());
  if (status >= 300) throw new Error(`${method} ${apiPath}: ${status} ${lines.join(" ").slice(0, 300)}`);
  return lines.length ? JSON.parse(lines.join("\n")) : undefined;
}

function podIps(labels: Record<string, string>): string[] {
  return kjson(["get", "pods", "-l", selector(labels)]).items.filter((p: any) => !p.metadata.deletionTimestamp && p.status.podIP).map((p: any) => p.status.podIP).sort();
}

function endpointIps(): string[] {
  const slices = kjson(["get", "endpointslices", "-l", `kubernetes.io/service-name=${n.outpostObjectName}`]);
  return (slices.items ?? []).flatMap((s: any) => (s.endpoints ?? []).filter((e: any) => e.conditions?.ready).flatMap((e: any) => e.addresses)).sort();
}

/** The outpost Deployment rolled out as the controller renders it, and the Service's endpoints settled. */
function outpostSettled(replicas: number): boolean {
  return until(() => {
    const d = kjson(["get", "deployment", n.outpostObjectName]);
    if (!d.status || d.status.observedGeneration !== d.metadata.generation) return false;
    if ((d.status.updatedReplicas ?? 0) !== replicas || (d.status.readyReplicas ?? 0) !== replicas || (d.status.replicas ?? 0) !== replicas) return false;
    const eps = endpointIps();
    return eps.length === replicas && JSON.stringify(eps) === JSON.stringify(podIps(n.outpostPodLabels));
  }, 90000);
}

function deployOk(): void {
  const d = cdktfDeploy(env);
  if (d.code !== 0) throw new Error(`cdktf deploy exited ${d.code}: ${(d.out + d.err).split("\n").filter((l) => /Error|error/.test(l)).slice(0, 8).join(" | ")}`);
  expect(outpostSettled(c.outpost.replicas)).toBe(true);
  // the (simulated) outpost has started: its start-up lines are there for verify-upgrade's step 3
  expect(until(() => /Outpost mode/.test(kubectl(["logs", `deploy/${n.outpostObjectName}`]).out), 30000)).toBe(true);
}

function setConfig(extra: any): void {
  const file = path.join(base.AUTHENTIK_STACK_BOX_DIR!, "test-config.json");
  fs.writeFileSync(file, JSON.stringify({ ...boxConfig, ...extra }));
  env = { ...env, AUTHENTIK_STACK_CONFIG: file };
}

/** verify-upgrade's seven steps all PASS; step 7 is `authentik-stack plan-to-zero` (with refresh): No changes. */
function allPass(): void {
  const v = verifyUpgrade(env);
  expect(v.results.map((r) => `${r.step} ${r.verdict}: ${r.evidence}`).filter((l) => !/ PASS:/.test(l))).toEqual([]);
  expect(v.results).toHaveLength(7);
  expect(v.code).toBe(0);
}

function noChanges(): void {
  const p = planToZero(env);
  expect(p.result.result).toBe("no-changes");
  expect(p.code).toBe(0);
}

describeIf("deploy the unchanged stack", () => {
  it("box up serves every chart version the rehearsal needs", () => {
    expect(up.err).toMatch(/box: up in/);
    expect(up.code).toBe(0);
  });

  it("cdktf deploy creates every resource; the release is deployed with its pods Ready", () => {
    deployOk();
    const synthesized = JSON.parse(fs.readFileSync(path.join(STACK_DIR, "cdk.tf.json"), "utf8"));
    const expected = Object.entries<any>(synthesized.resource).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`)).sort();
    const inState = run("terraform", ["state", "list"], env, { cwd: STACK_DIR }).out.split("\n").filter((a) => a && !a.startsWith("data.")).sort();
    expect(inState).toEqual(expected);
    const release = kjson(["get", "secrets", "-l", `owner=helm,name=${c.release.name}`]).items.map((s: any) => s.metadata.labels.status);
    expect(release).toContain("deployed");
    for (const d of kjson(["get", "deployments"]).items) {
      expect(`${d.metadata.name} ${d.status.readyReplicas ?? 0}/${d.spec.replicas}`).toBe(`${d.metadata.name} ${d.spec.replicas}/${d.spec.replicas}`);
    }
  });

  it("the outpost Service's endpoints are the outpost pods, not the server pods", () => {
    const outpostPods = podIps(n.outpostPodLabels);
    const serverPods = podIps({ ...SERVER_POD_LABELS, "app.kubernetes.io/instance": c.release.name }).filter((ip) => !outpostPods.includes(ip));
    expect(outpostPods).toHaveLength(c.outpost.replicas);
    expect(serverPods.length).toBeGreaterThan(0);
    expect(endpointIps()).toEqual(outpostPods);
  });

  it("verify-upgrade: all seven steps PASS with the real kubectl", () => allPass());

  it("plan-to-zero with refresh: No changes", () => noChanges());
});

describeIf("out-of-band breakage is caught and repaired by a redeploy", () => {
  const outpostPath = `/outposts/instances/${c.outpost.uuid}/`;

  it("the service patch removed through the authentik API", () => {
    const o = api("GET", outpostPath);
    api("PATCH", outpostPath, { config: { ...o.config, kubernetes_json_patches: { ...o.config.kubernetes_json_patches, service: [] } } });
    // nothing changes live until the controller recreates the Service (as after an upgrade): then it
    // selects the server pods
    expect(kubectl(["delete", "service", n.outpostObjectName]).code).toBe(0);
    expect(until(() => sameMap(kjson(["get", "service", n.outpostObjectName]).spec?.selector, SERVER_POD_LABELS), 30000)).toBe(true);
    expect(verdicts(verifyUpgrade(env, [2]).results)[2]).toBe("FAIL");
    const p = planToZero(env);
    expect(p.result.result).toBe("changes");
    expect(JSON.stringify(p.result)).toContain("authentik_outpost");
    deployOk();
    // the redeploy puts the patch back; the controller recreates nothing, so the Service is deleted once
    // more (as the runbook says) and comes back with the outpost's own selector
    expect(kubectl(["delete", "service", n.outpostObjectName]).code).toBe(0);
    expect(outpostSettled(c.outpost.replicas)).toBe(true);
    expect(kjson(["get", "service", n.outpostObjectName]).spec.selector).toEqual(n.outpostPodLabels);
    allPass();
  });

  it("the outpost scaled to zero (kubernetes_replicas through the API)", () => {
    const o = api("GET", outpostPath);
    api("PATCH", outpostPath, { config: { ...o.config, kubernetes_replicas: 0 } });
    expect(until(() => endpointIps().length === 0, 60000)).toBe(true);
    const v = verdicts(verifyUpgrade(env, [1, 6]).results);
    expect(v).toMatchObject({ 1: "FAIL", 6: "FAIL" });
    expect(planToZero(env).result.result).toBe("changes");
    deployOk();
    allPass();
  });

  it("the proxy provider's TTL changed through the API", () => {
    const [provider] = api("GET", `/providers/proxy/?name=${encodeURIComponent(c.catchAll.providerName)}`).results;
    api("PATCH", `/providers/proxy/${provider.pk}/`, { access_token_validity: "days=1" });
    const p = planToZero(env);
    expect(p.result.result).toBe("changes");
    expect(JSON.stringify(p.result)).toContain("access_token_validity");
    deployOk();
    expect(api("GET", `/providers/proxy/${provider.pk}/`).access_token_validity).toBe(c.catchAll.accessTokenValidity);
    noChanges();
  });

  it("a cosmetic edit of the values text: plan-to-zero names it; deploying it and restoring it both settle", () => {
    const original = fs.readFileSync(path.join(ROOT, c.release.valuesFile), "utf8");
    const edited = path.join(base.AUTHENTIK_STACK_BOX_DIR!, "values-cosmetic.yaml");
    fs.writeFileSync(edited, `# reformatted by hand\n${original}`);
    setConfig({ release: { ...(boxConfig.release ?? {}), valuesFile: edited } });
    const valuesTextOnly = (r: any) => (r.changes ?? []).filter((x: any) => x.address === "helm_release.authentik" && x.kind === "helm-values-text");
    const p = planToZero(env);
    expect(p.result.result).toBe("changes");
    expect(p.code).toBe(1);
    // named as a values-text-only change (parses to the same values), with the advice, and nothing else
    expect(valuesTextOnly(p.result)).toHaveLength(1);
    expect(p.result.changes).toHaveLength(1);
    expect(valuesTextOnly(p.result)[0].note).toMatch(/byte-identical/);
    // deployed, it runs a helm upgrade that changes nothing that runs: everything still verifies
    deployOk();
    allPass(); // its step 7 is plan-to-zero with refresh: No changes
    // the original text back: the same kind of change, the other way, and a redeploy settles it
    setConfig({});
    expect(valuesTextOnly(planToZero(env).result)).toHaveLength(1);
    deployOk();
    allPass(); // its step 7 is plan-to-zero with refresh: No changes
  });
});

describeIf("upgrade rehearsal", () => {
  for (const version of UPGRADES) {
    it(`chart ${version}: deployed, verified, planned to zero`, () => {
      setConfig({ release: { version } });
      deployOk();
      const server = kjson(["get", "deployment", n.serverDeployment]);
      expect(server.metadata.labels["helm.sh/chart"]).toBe(`authentik-${version}`);
      allPass(); // its step 7 is plan-to-zero with refresh: No changes
    });
  }
});

describeIf("box down", () => {
  it("leaves no process and no listener behind", () => {
    const d = cli(["box", "down"], base);
    expect(d.code).toBe(0);
    expect(pids.filter((p) => alive(p))).toEqual([]);
    expect(listeners().filter((l) => ports.some((p) => l.local === `127.0.0.1:${p}`) || l.pids.some((p) => pids.includes(p)))).toEqual([]);
  });
});
