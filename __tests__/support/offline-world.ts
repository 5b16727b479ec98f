/**
 * A loopback stand-in for everything the stack reaches at plan time, so real Terraform with the real
 * providers (exactly the pins, from the mirror scripts/build-providers.sh builds) can plan it offline:
 *  - Vault: an HTTP server speaking the KV v2 read API (and token lookup-self), with test secrets;
 *  - the chart repository https://charts.goauthentik.io/: chart/repository.ts serving the real chart
 *    package (scripts/assemble-chart.sh) through a loopback HTTPS_PROXY with a throwaway CA;
 *  - authentik: the loopback authentik API (authentik-api/), seeded with the flows the stack looks up
 *    by slug (the real goauthentik provider calls GET /api/v3/flows/instances/?slug=...);
 *  - kubeconfig: points at a closed loopback port (plans run with -refresh=false: nothing is read).
 * Without ../shared/upstream (a clone elsewhere) there is no mirror and no chart package: terraform
 * downloads the pinned providers and the chart comes from the real repository (no proxy is set).
 * Everything listens on 127.0.0.1 and stops with close().
 */
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { AddressInfo } from "net";
import { ChartRepository, startChartRepository } from "../../chart/repository";
import { chartPackage, upstreamAvailable } from "../../chart/packages";
import { DEFAULT_CONFIG } from "../../config";
import { startAuthentikApi } from "../../authentik-api";
import { ROOT } from "./synth";

/** Secrets the fake Vault serves: test values, never real ones; tests check they stay out of JSON. */
export const TEST_SECRETS = {
  platform: {
    authentik_postgres_password: "test-db-password-6b1d0e",
    // 37 characters: the real cloudflare provider refuses a Global API Key outside [0-9A-Za-z_-]{37,60}
    cloudflare_api_key: "test-cloudflare-global-key-93af0c1d2e",
    homepage_credentials: JSON.stringify({ authentik: { token: "test-homepage-token-77c2" } }),
  },
  authentik: { tf_api_token: "test-authentik-token-1f4e" },
} as const;

/** The flows the loopback authentik API holds for the stack's two slug lookups. */
export const TEST_FLOWS = [
  { designation: "authorization", values: { id: "8c2f5b1e-4d3a-4c8b-9f0e-1a2b3c4d5e6f", slug: "default-provider-authorization-implicit-consent" } },
  { designation: "invalidation", values: { id: "3e9a7d2c-5b4f-4e1a-8d6c-7f8e9a0b1c2d", slug: "default-provider-invalidation-flow" } },
];

export interface OfflineWorld {
  readonly dir: string;
  readonly vaultUrl: string;
  /** The loopback authentik API base URL (http://127.0.0.1:PORT). */
  readonly authentikUrl: string;
  /** The loopback chart repository, when the real chart package could be assembled (../shared). */
  readonly charts?: ChartRepository;
  readonly env: NodeJS.ProcessEnv;
  readonly requests: string[];
  close(): Promise<void>;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

const cacheDir = () => process.env.AUTHENTIK_STACK_CACHE ?? path.join(os.homedir(), ".cache", "authentik-stack");

/**
 * Starts the loopback world; the chart repository serves the real packages of `chartVersions` (index and
 * packages). `authentikSeed` replaces the API's default objects (the two flows the stack looks up), e.g.
 * with the reference's goauthentik objects (support/reference-authentik.ts).
 */
export async function startOfflineWorld(chartVersions: readonly string[] = [DEFAULT_CONFIG.release.version], opts: { authentikSeed?: unknown } = {}): Promise<OfflineWorld> {
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

  // the loopback authentik API (authentik-api/), holding the two flows the stack looks up by slug
  const authentik = await startAuthentikApi({
    tokens: [TEST_SECRETS.authentik.tf_api_token],
    seed: opts.authentikSeed ?? { objects: { "/flows/instances/": TEST_FLOWS.map((f) => ({ pk: f.values.id, name: f.values.slug, slug: f.values.slug, title: f.values.slug, designation: f.designation })) } },
  });

  const charts = upstreamAvailable() ? await startChartRepository({ packages: chartVersions.map(chartPackage), dir: path.join(dir, "charts") }) : undefined;

  fs.writeFileSync(
    path.join(dir, "kubeconfig"),
    "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {token: test}}]\n",
  );

  const tfrc = path.join(cacheDir(), "terraformrc");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    TF_PLUGIN_CACHE_DIR: "",
    CHECKPOINT_DISABLE: "1",
    VAULT_TOKEN: "test-vault-token",
    HELM_CACHE_HOME: path.join(dir, "helm-cache"),
    HELM_CONFIG_HOME: path.join(dir, "helm-config"),
    HELM_DATA_HOME: path.join(dir, "helm-data"),
    // the mirror when scripts/build-providers.sh built one; otherwise terraform's own registry download
    ...(mirrorSource() === "mirror" ? { TF_CLI_CONFIG_FILE: tfrc } : {}),
    ...(charts ? { HTTPS_PROXY: charts.proxyUrl, SSL_CERT_FILE: charts.caFile } : {}),
  };
  return {
    dir,
    vaultUrl: `http://127.0.0.1:${vaultPort}`,
    authentikUrl: authentik.url,
    charts,
    env,
    get requests() {
      return [...requests, ...(charts?.requests ?? []), ...authentik.requests.map((r) => `authentik ${r}`)];
    },
    close: async () => {
      vault.closeAllConnections();
      await new Promise((r) => vault.close(() => r(undefined)));
      await Promise.all([authentik.close(), charts?.close()]);
    },
  };
}

/**
 * Where terraform gets the providers here: "mirror" when scripts/build-providers.sh wrote the CLI config
 * for its mirror (it does only where ../shared/upstream is), otherwise "registry" (terraform's own download).
 */
export function mirrorSource(): "mirror" | "registry" {
  const file = path.join(cacheDir(), "providers.json");
  if (!fs.existsSync(file)) throw new Error(`${file} missing: run scripts/build-providers.sh (npm test does it through scripts/ensure-builds.js)`);
  return fs.existsSync(path.join(cacheDir(), "terraformrc")) ? "mirror" : "registry";
}

/** What the mirror holds (written by scripts/build-providers.sh). */
export function mirrorProviders(): Array<{ namespace: string; type: string; version: string; archive?: string; built_against?: string | null }> {
  return JSON.parse(fs.readFileSync(path.join(cacheDir(), "providers.json"), "utf8")).providers;
}

/** The exact pins (terraform/providers.tsv): type -> { source, version }. */
export function pinnedProviders(): Record<string, { source: string; version: string }> {
  const out: Record<string, { source: string; version: string }> = {};
  for (const line of fs.readFileSync(path.join(ROOT, "terraform", "providers.tsv"), "utf8").split("\n")) {
    if (!line.trim() || line.startsWith("#")) continue;
    const [ns, type, version] = line.split("\t");
    out[type] = { source: `${ns}/${type}`, version };
  }
  return out;
}

/**
 * Prepares a Terraform working directory for `stackJson`: the stack file, secrets/ with test PEMs, and
 * override files that (1) pin every provider to exactly the version in terraform/providers.tsv (the
 * stack's own constraints allow a range for vault and cloudflare), (2) use a local backend instead of
 * PostgreSQL, (3) point Vault and authentik at the loopback servers. Returns the directory and plan arguments.
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
  const required = pinnedProviders();
  fs.writeFileSync(
    path.join(dir, "zz_offline_override.tf.json"),
    JSON.stringify({
      terraform: { required_providers: required, backend: { local: { path: "terraform.tfstate" } } },
      provider: { vault: [{ address: world.vaultUrl, skip_child_token: true }], authentik: [{ url: world.authentikUrl }] },
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
