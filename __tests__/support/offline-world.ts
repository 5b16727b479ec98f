/**
 * A loopback stand-in for everything the stack reaches at plan time, so real Terraform with the real
 * providers can plan it offline:
 *  - Vault: an HTTP server speaking the KV v2 read API (and token lookup-self), with test secrets;
 *  - the chart repository https://charts.goauthentik.io/: an HTTPS_PROXY on loopback that terminates
 *    TLS for that host with a throwaway CA (SSL_CERT_FILE) and serves index.yaml plus a chart package
 *    named authentik 2026.2.2 (the real chart's values.yaml; no templates: plan reads only metadata);
 *  - authentik's flow lookups: the stand-in provider's recorded answers (STANDIN_DATA_FILE);
 *  - kubeconfig: points at a closed loopback port (plans run with -refresh=false: nothing is read).
 * Everything listens on 127.0.0.1 and stops with close().
 */
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { execFileSync } from "child_process";
import { AddressInfo } from "net";
import { ROOT } from "./synth";

/** Secrets the fake Vault serves: test values, never real ones; tests check they stay out of JSON. */
export const TEST_SECRETS = {
  platform: {
    authentik_postgres_password: "test-db-password-6b1d0e",
    cloudflare_api_key: "test-cloudflare-key-93af",
    homepage_credentials: JSON.stringify({ authentik: { token: "test-homepage-token-77c2" } }),
  },
  authentik: { tf_api_token: "test-authentik-token-1f4e" },
} as const;

/** The flow ids authentik answers for the two slug lookups (recorded-format answers). */
export const TEST_FLOWS = [
  { match: { slug: "default-provider-authorization-implicit-consent" }, values: { id: "8c2f5b1e-4d3a-4c8b-9f0e-1a2b3c4d5e6f", slug: "default-provider-authorization-implicit-consent" } },
  { match: { slug: "default-provider-invalidation-flow" }, values: { id: "3e9a7d2c-5b4f-4e1a-8d6c-7f8e9a0b1c2d", slug: "default-provider-invalidation-flow" } },
];

const CHART_HOST = "charts.goauthentik.io";

export interface OfflineWorld {
  readonly dir: string;
  readonly vaultUrl: string;
  readonly env: NodeJS.ProcessEnv;
  readonly requests: string[];
  close(): Promise<void>;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

function makeCerts(dir: string): { caFile: string; key: Buffer; cert: Buffer } {
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=authentik-stack test CA", "-keyout", "ca.key", "-out", "ca.pem"]);
  run(["req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${CHART_HOST}`, "-keyout", "srv.key", "-out", "srv.csr"]);
  fs.writeFileSync(path.join(dir, "san.ext"), `subjectAltName=DNS:${CHART_HOST}\n`);
  run(["x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "srv.pem"]);
  return { caFile: path.join(dir, "ca.pem"), key: fs.readFileSync(path.join(dir, "srv.key")), cert: fs.readFileSync(path.join(dir, "srv.pem")) };
}

function packageChart(dir: string, version: string): Buffer {
  const chart = path.join(dir, "chart", version, "authentik");
  fs.mkdirSync(path.join(chart, "templates"), { recursive: true });
  fs.writeFileSync(path.join(chart, "Chart.yaml"), `apiVersion: v2\nname: authentik\nversion: ${version}\nappVersion: ${version}\ndescription: authentik chart stand-in for offline plans (metadata and values only)\n`);
  // versions without their own recorded values (chart bumps in policy tests) carry the live chart's values:
  // a plan reads only the chart's metadata, and the metadata says which version it is
  const values = path.join(ROOT, "__tests__", "fixtures", "chart", `values-${version}.yaml`);
  fs.copyFileSync(fs.existsSync(values) ? values : path.join(ROOT, "__tests__", "fixtures", "chart", "values-2026.2.2.yaml"), path.join(chart, "values.yaml"));
  execFileSync("tar", ["czf", `../authentik-${version}.tgz`, "authentik"], { cwd: path.join(dir, "chart", version) });
  return fs.readFileSync(path.join(dir, "chart", `authentik-${version}.tgz`));
}

/** Starts the loopback world; the chart repository serves `chartVersions` (index and packages). */
export async function startOfflineWorld(chartVersions: readonly string[] = ["2026.2.2"]): Promise<OfflineWorld> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-offline-"));
  const requests: string[] = [];

  const vault = http.createServer((req, res) => {
    requests.push(`vault ${req.method} ${req.url}`);
    res.setHeader("content-type", "application/json");
    const m = /^\/v1\/secret\/data\/([^?]+)/.exec(req.url ?? "");
    if (m && m[1] in TEST_SECRETS) {
      res.end(JSON.stringify({ data: { data: (TEST_SECRETS as any)[m[1]], metadata: { created_time: "2026-05-10T00:00:00Z", custom_metadata: null, deletion_time: "", destroyed: false, version: 3 } } }));
    } else if ((req.url ?? "").startsWith("/v1/auth/token/lookup-self")) {
      res.end(JSON.stringify({ data: { policies: ["default"], ttl: 3600, namespace_path: "" } }));
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ errors: [] }));
    }
  });
  const vaultPort = await listen(vault);

  const certs = makeCerts(dir);
  const packages = new Map(chartVersions.map((v) => [`/authentik-${v}.tgz`, packageChart(dir, v)]));
  const entry = (v: string) =>
    `  - apiVersion: v2\n    name: authentik\n    version: ${v}\n    appVersion: ${v}\n    digest: ${require("crypto").createHash("sha256").update(packages.get(`/authentik-${v}.tgz`)!).digest("hex")}\n    created: "2026-02-20T00:00:00Z"\n    urls:\n    - https://${CHART_HOST}/authentik-${v}.tgz\n`;
  const index = `apiVersion: v1\nentries:\n  authentik:\n${chartVersions.map(entry).join("")}generated: "2026-02-20T00:00:00Z"\n`;
  const repo = https.createServer({ key: certs.key, cert: certs.cert }, (req, res) => {
    requests.push(`charts ${req.method} ${req.url}`);
    if (req.url === "/index.yaml") res.end(index);
    else if (packages.has(req.url ?? "")) res.end(packages.get(req.url ?? ""));
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  // CONNECT proxy: only the chart host, handed to the in-process TLS server; anything else is refused.
  const proxy = http.createServer((_req, res) => {
    res.statusCode = 405;
    res.end();
  });
  proxy.on("connect", (req, socket: net.Socket) => {
    requests.push(`proxy CONNECT ${req.url}`);
    if (req.url !== `${CHART_HOST}:443`) {
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    repo.emit("connection", socket);
  });
  const proxyPort = await listen(proxy);

  fs.writeFileSync(path.join(dir, "standin-data.json"), JSON.stringify({ authentik_flow: TEST_FLOWS }));
  fs.writeFileSync(
    path.join(dir, "kubeconfig"),
    "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {token: test}}]\n",
  );

  const cache = process.env.AUTHENTIK_STACK_CACHE ?? path.join(os.homedir(), ".cache", "authentik-stack");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    TF_CLI_CONFIG_FILE: path.join(cache, "terraformrc"),
    TF_PLUGIN_CACHE_DIR: "",
    VAULT_TOKEN: "test-vault-token",
    STANDIN_DATA_FILE: path.join(dir, "standin-data.json"),
    HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`,
    SSL_CERT_FILE: certs.caFile,
    HELM_CACHE_HOME: path.join(dir, "helm-cache"),
    HELM_CONFIG_HOME: path.join(dir, "helm-config"),
    HELM_DATA_HOME: path.join(dir, "helm-data"),
  };
  return {
    dir,
    vaultUrl: `http://127.0.0.1:${vaultPort}`,
    env,
    requests,
    close: async () => {
      await Promise.all([vault, proxy].map((s) => new Promise((r) => s.close(() => r(undefined)))));
      repo.close();
    },
  };
}

/** The versions the mirror holds (written by scripts/build-providers.sh). */
export function mirrorProviders(): Array<{ namespace: string; type: string; kind: string; version: string }> {
  const cache = process.env.AUTHENTIK_STACK_CACHE ?? path.join(os.homedir(), ".cache", "authentik-stack");
  const file = path.join(cache, "providers.json");
  if (!fs.existsSync(file)) throw new Error(`${file} missing: run scripts/build-providers.sh (npm test does it through scripts/ensure-providers.js)`);
  return JSON.parse(fs.readFileSync(file, "utf8")).providers;
}

/**
 * Prepares a Terraform working directory for `stackJson`: the stack file, secrets/ with test PEMs, and
 * override files that (1) pin the provider versions the mirror holds, (2) use a local backend instead
 * of PostgreSQL, (3) point Vault at the loopback server. Returns the directory and plan arguments.
 */
export function prepareWorkdir(world: OfflineWorld, stackJson: unknown, name: string, file = "cdk.tf.json"): { dir: string; planArgs: string[] } {
  const dir = path.join(world.dir, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, file), JSON.stringify(stackJson, null, 1));
  return { dir, planArgs: offlineOverrides(world, dir, stackJson) };
}

/**
 * Writes next to a stack file in `dir` what the offline plan needs (secrets/ with test PEMs, the
 * override file) and returns the plan arguments (variables, -refresh=false).
 */
export function offlineOverrides(world: OfflineWorld, dir: string, stackJson: unknown): string[] {
  fs.mkdirSync(path.join(dir, "secrets"), { recursive: true });
  fs.writeFileSync(path.join(dir, "secrets", "fullchain.pem"), "test certificate chain (not a real certificate)\n");
  fs.writeFileSync(path.join(dir, "secrets", "privkey.pem"), "test private key (not a real key)\n");
  const sources: Record<string, string> = {};
  for (const p of mirrorProviders()) sources[p.type] = `${p.namespace}/${p.type}`;
  const required = Object.fromEntries(mirrorProviders().map((p) => [p.type, { source: sources[p.type], version: p.version }]));
  fs.writeFileSync(
    path.join(dir, "zz_offline_override.tf.json"),
    JSON.stringify({
      terraform: { required_providers: required, backend: { local: { path: "terraform.tfstate" } } },
      provider: { vault: [{ address: world.vaultUrl, skip_child_token: true }] },
    }),
  );
  const vars: Record<string, string> = {
    tls_secret_name: "wildcard-example-org-tls",
    redis_host: "redis.example.org",
    kube_config_path: path.join(world.dir, "kubeconfig"),
    cloudflare_email: "ops@example.org",
    secrets_dir: "secrets",
  };
  const declared = Object.keys((stackJson as any).variable ?? {});
  return ["-refresh=false", ...declared.filter((v) => v in vars).map((v) => `-var=${v}=${vars[v]}`)];
}
