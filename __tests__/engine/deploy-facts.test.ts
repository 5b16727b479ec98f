/**
 * The facts the deploy engine gathers for the policy: the images a release runs (its Deployments and
 * its deployed manifest in Helm's release Secret) and the chart's appVersion from the repository index.
 * kubectl is the stand-in (fixtures/bin/kubectl) answering in `kubectl get -o json` List format; the
 * release Secret is encoded exactly as Helm 3 stores it (pkg/storage/driver/util.go encodeRelease:
 * JSON -> gzip -> base64, and Kubernetes base64 of that in .data.release). The index is served by a
 * real HTTP server on loopback. Against a real cluster: __tests__/e2e.
 */
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { gzipSync } from "zlib";
import { AddressInfo } from "net";
import { decodeHelmRelease, gatherFacts, fetchText } from "../../engine/deploy-facts";
import { ROOT } from "../support/synth";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ak-facts-"));
const KUBECTL = path.join(ROOT, "__tests__", "fixtures", "bin", "kubectl");

const deployment = (name: string, containers: Array<[string, string]>) => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: "authentik", labels: { "app.kubernetes.io/instance": "goauthentik" } },
  spec: { template: { spec: { containers: containers.map(([n, image]) => ({ name: n, image })) } } },
});
const list = (items: unknown[]) => ({ apiVersion: "v1", kind: "List", items, metadata: { resourceVersion: "" } });
const helmSecret = (manifest: string, version = 3) => {
  const rel = { name: "goauthentik", namespace: "authentik", version, manifest, chart: { metadata: { name: "authentik", version: "2026.2.2", appVersion: "2026.2.2" } }, config: { authentik: { secret_key: "test-not-printed" } } };
  const helm = gzipSync(Buffer.from(JSON.stringify(rel))).toString("base64");
  return { apiVersion: "v1", kind: "Secret", type: "helm.sh/release.v1", metadata: { name: `sh.helm.release.v1.goauthentik.v${version}`, labels: { owner: "helm", name: "goauthentik", status: "deployed" } }, data: { release: Buffer.from(helm).toString("base64") } };
};
const MANIFEST = [
  "---\n# Source: authentik/templates/server/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: goauthentik-server\nspec:\n  template:\n    spec:\n      containers:\n        - name: server\n          image: ghcr.io/goauthentik/server:2026.2.2\n",
  "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: goauthentik-worker\nspec:\n  template:\n    spec:\n      containers:\n        - name: worker\n          image: ghcr.io/goauthentik/server:2026.2.2\n",
  "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: goauthentik-server\n",
].join("");

let server: http.Server;
let repo: string;
const requests: string[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push(req.url ?? "");
    if (req.url === "/index.yaml") res.end("apiVersion: v1\nentries:\n  authentik:\n  - name: authentik\n    version: 2026.5.6\n    appVersion: 2026.5.6\n  - name: authentik\n    version: 2026.2.2\n    appVersion: 2026.2.2\n");
    else if (req.url === "/slow/index.yaml") setTimeout(() => res.end("x"), 3000).unref();
    else (res.statusCode = 404), res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  repo = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise((r) => (server.closeAllConnections(), server.close(r))));

function scenario(s: object): NodeJS.ProcessEnv {
  const f = path.join(tmp, `scenario-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(f, JSON.stringify(s));
  return { ...process.env, KUBECTL_SCENARIO: f, KUBECTL_LOG: path.join(tmp, "kubectl.log"), TF_VAR_kube_config_path: "/nonexistent/kubeconfig" };
}
const bump = (repository: string, version = "2026.5.6") => ({
  format_version: "1.2",
  resource_changes: [{ address: "helm_release.authentik", mode: "managed", type: "helm_release", name: "authentik", change: { actions: ["update"], before: { name: "goauthentik", namespace: "authentik", version: "2026.2.2" }, after: { name: "goauthentik", namespace: "authentik", chart: "authentik", repository, version } } }],
});

describe("gatherFacts", () => {
  it("reads the server/worker images from the Deployments and the deployed manifest, and the appVersion from the index", async () => {
    const env = scenario({
      deployments: list([deployment("goauthentik-server", [["server", "ghcr.io/goauthentik/server:2026.5.6"], ["geoip", "maxmindinc/geoipupdate:v7"]]), deployment("goauthentik-worker", [["worker", "ghcr.io/goauthentik/server:2026.2.2"]])]),
      secrets: list([helmSecret(MANIFEST)]),
    });
    const facts = await gatherFacts(bump(repo) as any, { kubectl: KUBECTL, env, timeoutMs: 5000 });
    expect(facts.releases["helm_release.authentik"]).toEqual({
      running: [
        { image: "ghcr.io/goauthentik/server:2026.5.6", source: "deployment authentik/goauthentik-server container server" },
        { image: "ghcr.io/goauthentik/server:2026.2.2", source: "deployment authentik/goauthentik-worker container worker" },
        { image: "ghcr.io/goauthentik/server:2026.2.2", source: "release goauthentik revision 3 manifest, deployment goauthentik-server container server" },
        { image: "ghcr.io/goauthentik/server:2026.2.2", source: "release goauthentik revision 3 manifest, deployment goauthentik-worker container worker" },
      ],
      targetAppVersion: "2026.5.6",
    });
    // the same kubeconfig the stack's kubernetes provider uses, the release's namespace and labels
    const calls = fs.readFileSync(path.join(tmp, "kubectl.log"), "utf8").trim().split("\n").map((l) => JSON.parse(l)).slice(-2);
    expect(calls).toEqual([
      ["--kubeconfig", "/nonexistent/kubeconfig", "get", "deployments", "-n", "authentik", "-l", "app.kubernetes.io/instance=goauthentik", "-o", "json"],
      ["--kubeconfig", "/nonexistent/kubeconfig", "get", "secrets", "-n", "authentik", "-l", "owner=helm,name=goauthentik,status=deployed", "-o", "json"],
    ]);
    // nothing from the release Secret (it holds the values) ends up in the facts
    expect(JSON.stringify(facts)).not.toContain("test-not-printed");
  });
  it("nothing installed: no images, not an error", async () => {
    const facts = await gatherFacts(bump(repo) as any, { kubectl: KUBECTL, env: scenario({ deployments: list([]), secrets: list([]) }), timeoutMs: 5000 });
    expect(facts.releases["helm_release.authentik"].running).toEqual([]);
  });
  it("an unreachable cluster, a missing chart version, a non-HTTP repository and a slow index become reasons, not passes", async () => {
    const env = scenario({ deployments: { exit: 1, stderr: "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\n" } });
    const f1 = (await gatherFacts(bump(repo, "2099.1.0") as any, { kubectl: KUBECTL, env, timeoutMs: 5000 })).releases["helm_release.authentik"];
    expect(f1.running).toBeUndefined();
    expect(f1.runningError).toBe("kubectl get deployments -n authentik: The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?");
    expect(f1.targetAppVersionError).toBe(`${repo}index.yaml lists no authentik 2099.1.0`);
    const f2 = (await gatherFacts(bump("oci://ghcr.io/goauthentik/charts") as any, { kubectl: KUBECTL, env, timeoutMs: 5000 })).releases["helm_release.authentik"];
    expect(f2.targetAppVersionError).toMatch(/is not an HTTP\(S\) chart repository/);
    const f3 = (await gatherFacts(bump(`${repo}slow/`) as any, { kubectl: KUBECTL, env, timeoutMs: 500 })).releases["helm_release.authentik"];
    expect(f3.targetAppVersionError).toMatch(/no answer within 0.5s/);
  });
  it("a hanging kubectl is stopped at the deadline", async () => {
    const env = scenario({ deployments: { exit: 0, sleepMs: 5000 } });
    const started = Date.now();
    const f = (await gatherFacts(bump(repo) as any, { kubectl: KUBECTL, env, timeoutMs: 500 })).releases["helm_release.authentik"];
    expect(f.runningError).toBe("kubectl get deployments did not answer within 0.5s");
    expect(Date.now() - started).toBeLessThan(4000);
  });
  it("only releases the plan changes are looked at", async () => {
    const p = bump(repo) as any;
    p.resource_changes[0].change.actions = ["no-op"];
    expect(await gatherFacts(p, { kubectl: "/nonexistent/kubectl", timeoutMs: 500 })).toEqual({ releases: {} });
  });
});

describe("Helm release Secret and index fetch", () => {
  it("decodes Helm's storage format", () => {
    expect(decodeHelmRelease(helmSecret("m", 7).data.release)).toMatchObject({ version: 7, manifest: "m" });
  });
  it("fetchText names the URL and status on failure", async () => {
    await expect(fetchText(`${repo}missing`, 2000)).rejects.toThrow(`GET ${repo}missing: HTTP 404`);
    await expect(fetchText("http://127.0.0.1:1/index.yaml", 2000)).rejects.toThrow(/GET http:\/\/127.0.0.1:1\/index.yaml: .*ECONNREFUSED/);
  });
});
