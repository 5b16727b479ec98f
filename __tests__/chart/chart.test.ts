/**
 * The real chart, assembled from the upstream archives (scripts/assemble-chart.sh), rendered by real helm
 * (scripts/build-helm.sh) with the values text the release sends, and served by the loopback chart
 * repository (chart/repository.ts) at its real URL; and the committed chart facts AK008 reads, regenerated
 * and compared. Needs ../shared/upstream/charts: without it (a clone elsewhere) these are reported as
 * skipped, never as passed.
 */
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { execFile, execFileSync, spawnSync } from "child_process";
import { parseAllDocuments } from "yaml";
import { availableChartVersions, chartPackage, helmBinary, helmTemplate, upstreamAvailable } from "../../chart/packages";
import { startChartRepository } from "../../chart/repository";
import { ROOT } from "../support/synth";

jest.setTimeout(900_000);
const VALUES = fs.readFileSync(path.join(ROOT, "values", "authentik.yaml"), "utf8");
const objects = (stream: string) => parseAllDocuments(stream).map((d) => d.toJS()).filter(Boolean) as any[];
const kinds = (stream: string) => objects(stream).map((o) => `${o.kind}/${o.metadata.name}`).sort();
const d = upstreamAvailable() ? describe : describe.skip;
const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv) =>
  new Promise<{ stdout: string; stderr: string }>((resolve) => execFile(cmd, args, { env, maxBuffer: 64 * 1024 * 1024 }, (_e, stdout, stderr) => resolve({ stdout, stderr })));

d("the chart package", () => {
  it("is assembled for each upstream version, with the dependency from its archive and the one postgresql stand-in", () => {
    expect(availableChartVersions()).toEqual(["2026.2.2", "2026.2.3", "2026.5.6", "2026.8.0"]);
    for (const v of availableChartVersions()) {
      const pkg = chartPackage(v);
      const files = execFileSync("tar", ["tzf", pkg], { encoding: "utf8" }).split("\n");
      expect(files).toContain("authentik/templates/server/deployment.yaml");
      expect(files).toContain("authentik/charts/authentik-remote-cluster/Chart.yaml");
      expect(files.filter((f) => f.startsWith("authentik/charts/postgresql/"))).toEqual(["authentik/charts/postgresql/Chart.yaml"]);
      expect(execFileSync(helmBinary(), ["show", "chart", pkg], { encoding: "utf8" })).toContain(`version: ${v}`);
    }
  });
  it("refuses a version there is no archive for, naming the ones there are", () => {
    const r = spawnSync("bash", [path.join(ROOT, "scripts", "assemble-chart.sh"), "2026.9.9"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("allowed: 2026.2.2 2026.2.3 2026.5.6 2026.8.0");
  });
});

d("helm template with the release's values text (chart 2026.2.2, live)", () => {
  let stream: string;
  beforeAll(() => (stream = helmTemplate(chartPackage("2026.2.2"), VALUES)));
  it("renders exactly the objects the release installs", () => {
    // the RBAC objects come from the authentik-remote-cluster dependency (alias serviceAccount)
    expect(kinds(stream)).toEqual([
      "ClusterRole/authentik-authentik",
      "ClusterRoleBinding/authentik-authentik",
      "Deployment/goauthentik-server",
      "Deployment/goauthentik-worker",
      "PodDisruptionBudget/goauthentik-server",
      "PodDisruptionBudget/goauthentik-worker",
      "Role/authentik",
      "RoleBinding/authentik",
      "Service/goauthentik-server",
      "ServiceAccount/authentik",
    ]);
  });
  it("takes the env from the values and the AUTHENTIK_* settings from existingSecret, and ignores server.strategy", () => {
    const server = objects(stream).find((o) => o.kind === "Deployment" && o.metadata.name === "goauthentik-server");
    const c = server.spec.template.spec.containers[0];
    expect(c.env).toContainEqual({ name: "AUTHENTIK_SESSIONS__UNAUTHENTICATED_AGE", value: "hours=2" });
    expect(c.envFrom).toContainEqual({ secretRef: { name: "goauthentik" } });
    expect(server.spec.replicas).toBe(3);
    expect(server.spec.strategy).toBeUndefined();
    expect(objects(stream).some((o) => o.kind === "Secret")).toBe(false);
  });
});

d("the loopback chart repository", () => {
  it("serves the real package at https://charts.goauthentik.io/ through its proxy; helm installs what the package renders", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-chartrepo-"));
    const repo = await startChartRepository({ packages: [chartPackage("2026.2.2"), chartPackage("2026.5.6")], dir });
    try {
      fs.writeFileSync(path.join(dir, "values.yaml"), VALUES);
      const env = { ...process.env, HTTPS_PROXY: repo.proxyUrl, SSL_CERT_FILE: repo.caFile, HELM_CACHE_HOME: path.join(dir, "c"), HELM_CONFIG_HOME: path.join(dir, "g"), HELM_DATA_HOME: path.join(dir, "d") };
      // asynchronously: the repository answers from this process (spawnSync would block it)
      const r = await run(helmBinary(), ["template", "goauthentik", "authentik", "--repo", repo.url, "--version", "2026.2.2", "-n", "authentik", "-f", path.join(dir, "values.yaml")], env);
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe(helmTemplate(chartPackage("2026.2.2"), VALUES));
      expect(repo.requests).toEqual(expect.arrayContaining([`proxy CONNECT charts.goauthentik.io:443`, "charts GET /index.yaml", "charts GET /authentik-2026.2.2.tgz"]));
      // the plain-HTTP side serves the same index; other hosts are refused by the proxy
      const index = await (await fetch(`${repo.httpUrl}index.yaml`)).text();
      expect(index).toContain("version: 2026.5.6");
      expect(index).toContain(`${repo.httpUrl}authentik-2026.5.6.tgz`);
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = http.request(repo.proxyUrl, { method: "CONNECT", path: "example.org:443" });
        req.on("connect", (res, socket) => {
          socket.destroy();
          resolve(res.statusCode);
        });
        req.on("error", reject);
        req.end();
      });
      expect(status).toBe(403);
    } finally {
      await repo.close();
    }
  });
});

d("chart facts (model/charts/<version>.json)", () => {
  it("are exactly what the chart renders: regenerating them changes nothing", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "chart-facts.js"), "--check"], { cwd: ROOT, encoding: "utf8" });
    expect(r.stderr).not.toContain("DIFFERS");
    expect(r.status).toBe(0);
  });
});
