/**
 * The box's outpost controller, KWOK mappings and edge against the real API server and the loopback
 * authentik API, without Terraform: the outpost record is written through authentik's REST API as the
 * goauthentik provider writes it (the stack's own config object), the authentik server pods are a
 * Deployment with the chart's labels. Then what verify-upgrade reads is checked with the real kubectl,
 * and verify-upgrade's steps 1-6 run against it.
 */
import { DEFAULT_CONFIG, deriveNames } from "../../config";
import { SERVER_POD_LABELS } from "../../config";
import { SESSION_QUERY } from "../../engine/verify";
import { outpostConfig, synthJson } from "../support/synth";
import { boxEnv, cli, evalExports, run, until, verdicts, verifyUpgrade } from "../support/box";
import { sameMap } from "../support/box";

jest.setTimeout(600000);

const c = DEFAULT_CONFIG;
const n = deriveNames(c);
const base = boxEnv();
let env: NodeJS.ProcessEnv = {};
let up: { code: number | null; out: string; err: string };

const kubectl = (args: string[], input?: string) => run("kubectl", ["-n", c.namespace, ...args], env, { timeoutMs: 60000, input });
const kjson = (args: string[]) => JSON.parse(kubectl([...args, "-o", "json"]).out || "{}");

function api(method: string, apiPath: string, body?: unknown): any {
  const r = run("curl", ["-sS", "-X", method, "-H", `Authorization: Bearer ${env.AUTHENTIK_TOKEN}`, "-H", "Content-Type: application/json", ...(body ? ["--data-binary", JSON.stringify(body)] : []), "-w", "\n%{http_code}", `${env.AUTHENTIK_URL}/api/v3${apiPath}`], env);
  const lines = r.out.trimEnd().split("\n");
  const status = Number(lines.pop());
  if (!(status >= 200 && status < 300)) throw new Error(`${method} ${apiPath}: ${status} ${lines.join(" ").slice(0, 300)} ${r.err}`);
  return lines.join("\n") ? JSON.parse(lines.join("\n")) : undefined;
}

function readyEndpoints(): string[] {
  const slices = kjson(["get", "endpointslices", "-l", `kubernetes.io/service-name=${n.outpostObjectName}`]);
  return (slices.items ?? []).flatMap((s: any) => (s.endpoints ?? []).filter((e: any) => e.conditions?.ready).flatMap((e: any) => e.addresses)).sort();
}

function podIps(labels: Record<string, string>): string[] {
  const sel = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");
  return kjson(["get", "pods", "-l", sel]).items.filter((p: any) => !p.metadata.deletionTimestamp && p.status.podIP && (p.status.conditions ?? []).some((x: any) => x.type === "Ready" && x.status === "True")).map((p: any) => p.status.podIP).sort();
}

const edge = () => run("curl", ["-s", "-o", "/dev/null", "-D", "-", JSON.parse(require("fs").readFileSync(env.AUTHENTIK_STACK_CONFIG!, "utf8")).verify.edgeUrl], env).out;
const outpostPath = `/outposts/instances/${c.outpost.uuid}/`;
const stackOutpostConfig = outpostConfig(synthJson());

beforeAll(() => {
  up = cli(["box", "up"], base, 600000);
  if (up.code !== 0) return;
  env = evalExports(up.out, base);
  // what the chart gives: the namespace, the Secret the postgres env reads, the server pods
  run("kubectl", ["create", "namespace", c.namespace], env);
  kubectl(["create", "secret", "generic", `${c.release.name}-postgres`, "--from-literal=AUTHENTIK_POSTGRESQL__HOST=pgbouncer"]);
  const server = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: n.serverDeployment, labels: { ...SERVER_POD_LABELS, "app.kubernetes.io/instance": c.release.name, "app.kubernetes.io/version": c.release.version } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { ...SERVER_POD_LABELS, "app.kubernetes.io/instance": c.release.name } },
      template: { metadata: { labels: { ...SERVER_POD_LABELS, "app.kubernetes.io/instance": c.release.name } }, spec: { containers: [{ name: "server", image: `ghcr.io/goauthentik/server:${c.release.version}` }] } },
    },
  };
  kubectl(["apply", "-f", "-"], JSON.stringify(server));
  // what the goauthentik provider writes: the catch-all proxy provider, then the outpost's providers and config
  const flows = api("GET", "/flows/instances/").results;
  const slug = (s: string) => flows.find((f: any) => f.slug === s).pk;
  const provider = api("POST", "/providers/proxy/", {
    name: c.catchAll.providerName,
    mode: c.catchAll.mode,
    external_host: `https://${c.domain}`,
    cookie_domain: c.domain,
    access_token_validity: c.catchAll.accessTokenValidity,
    authorization_flow: slug(c.catchAll.authorizationFlowSlug),
    invalidation_flow: slug(c.catchAll.invalidationFlowSlug),
  });
  api("PATCH", outpostPath, { providers: [provider.pk], service_connection: c.outpost.serviceConnectionId, config: stackOutpostConfig });
});

afterAll(() => {
  cli(["box", "down"], base);
});

describe("the outpost controller in the box", () => {
  it("box up started with the authentik API", () => {
    expect(up.err).toMatch(/authentik API on 127\.0\.0\.1:\d+/);
    expect(up.code).toBe(0);
  });

  it("renders the outpost's Deployment and Service; with the patches the Service's endpoints are the outpost pods", () => {
    expect(until(() => readyEndpoints().length === c.outpost.replicas, 90000)).toBe(true);
    const svc = kjson(["get", "service", n.outpostObjectName]);
    expect(svc.spec.selector).toEqual(n.outpostPodLabels);
    expect(svc.spec.ports.map((p: any) => p.port)).toEqual([c.outpost.ports.http, c.outpost.ports.metrics, c.outpost.ports.https]);
    expect(readyEndpoints()).toEqual(podIps(n.outpostPodLabels));
    const d = kjson(["get", "deployment", n.outpostObjectName]);
    expect(d.spec.template.spec.containers[0].image).toBe(`ghcr.io/goauthentik/proxy:${c.release.version}`);
    expect(d.spec.template.spec.volumes).toEqual([{ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: c.outpost.shmSizeLimit } }]);
  });

  it("serves the outpost's start-up lines through kubectl logs (KWOK log mapping, CRI format)", () => {
    // the outpost writes its start-up lines as it starts (the runtime notices a Ready pod within its interval)
    let logs = kubectl(["logs", `deploy/${n.outpostObjectName}`]);
    until(() => /Outpost mode/.test((logs = kubectl(["logs", `deploy/${n.outpostObjectName}`])).out), 20000);
    expect(logs.code).toBe(0);
    const lines = logs.out.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.find((l) => l.event === "Outpost mode")).toMatchObject({ embedded: true });
    expect(lines.some((l) => l.event === "using PostgreSQL session backend")).toBe(true);
  });

  it("answers the /dev/shm count and the ak shell session query through kubectl exec", () => {
    const shm = kubectl(["exec", `deploy/${n.outpostObjectName}`, "--", "sh", "-c", "ls -A /dev/shm | wc -l"]);
    expect(shm.out.trim()).toBe("0");
    const q = kubectl(["exec", `deploy/${n.serverDeployment}`, "--", "ak", "shell", "-c", SESSION_QUERY]);
    const j = JSON.parse(q.out.trim().split("\n").pop()!);
    expect(j.count).toBeGreaterThanOrEqual(1);
    const days = (Date.parse(j.max_expires) - Date.now()) / 86400000;
    expect(Math.abs(days - 28)).toBeLessThan(0.1);
  });

  it("verify-upgrade steps 1-6 PASS against it", () => {
    const v = verifyUpgrade(env, [1, 2, 3, 4, 5, 6]);
    expect(v.results.filter((r) => r.step <= 6 && r.verdict !== "PASS").map((r) => `${r.step} ${r.verdict}: ${r.evidence}`)).toEqual([]);
    expect(v.code).toBe(0);
  });

  it("reverts an out-of-band edit of the Service selector (a strategic merge, as authentik's controller patches)", () => {
    expect(kubectl(["patch", "service", n.outpostObjectName, "--type=json", "-p", JSON.stringify([{ op: "replace", path: "/spec/selector", value: SERVER_POD_LABELS }])]).code).toBe(0);
    // the patches would change the live Service, so the controller patches it with its reference: every
    // outpost label is back (the merge keeps the edit's other keys), and the endpoints are the outpost pods
    expect(
      until(() => {
        const sel = kjson(["get", "service", n.outpostObjectName]).spec.selector ?? {};
        return Object.entries(n.outpostPodLabels).every(([k, v]) => sel[k] === v);
      }, 30000),
    ).toBe(true);
    expect(until(() => JSON.stringify(readyEndpoints()) === JSON.stringify(podIps(n.outpostPodLabels)), 30000)).toBe(true);
  });

  it("without the service patch, a recreated Service selects the server pods (the upstream bug): steps 1 and 2 FAIL", () => {
    api("PATCH", outpostPath, { config: { ...stackOutpostConfig, kubernetes_json_patches: { ...stackOutpostConfig.kubernetes_json_patches, service: [] } } });
    // removing the patch changes nothing live (no update trigger); a recreate, as after an upgrade, does
    expect(kubectl(["delete", "service", n.outpostObjectName]).code).toBe(0);
    expect(until(() => sameMap(kjson(["get", "service", n.outpostObjectName]).spec?.selector, SERVER_POD_LABELS), 30000)).toBe(true);
    const servers = podIps(SERVER_POD_LABELS).filter((ip) => !podIps(n.outpostPodLabels).includes(ip));
    expect(until(() => servers.every((ip) => readyEndpoints().includes(ip)), 30000)).toBe(true);
    expect(verdicts(verifyUpgrade(env, [1, 2]).results)).toMatchObject({ 1: "FAIL", 2: "FAIL" });
    api("PATCH", outpostPath, { config: stackOutpostConfig });
    expect(until(() => JSON.stringify(readyEndpoints()) === JSON.stringify(podIps(n.outpostPodLabels)), 30000)).toBe(true);
  });

  it("the edge answers 302 to authentik with ready endpoints, 401 with X-Auth-Fallback without", () => {
    expect(until(() => readyEndpoints().length === c.outpost.replicas, 60000)).toBe(true);
    expect(edge()).toMatch(new RegExp(`^HTTP/1.1 302[\\s\\S]*location: https://${n.authentikHost.replace(/\./g, "\\.")}/outpost\\.goauthentik\\.io/start`, "i"));
    api("PATCH", outpostPath, { config: { ...stackOutpostConfig, kubernetes_replicas: 0 } });
    expect(until(() => readyEndpoints().length === 0, 60000)).toBe(true);
    const h = edge();
    expect(h).toMatch(/^HTTP\/1.1 401/);
    expect(h).toMatch(/x-auth-fallback: /i);
    expect(verdicts(verifyUpgrade(env, [1, 6]).results)).toMatchObject({ 1: "FAIL", 6: "FAIL" });
  });
});
