/**
 * `box up`: starts (in order) PostgreSQL, the control plane with KWOK, the loopback services daemon
 * (gateway, Vault KV v2, chart repository, Cloudflare DNS, edge, outpost controller, outpost runtime) and
 * the authentik API stand-in, records every process by PID in <box>/state.json (box/state.ts: status,
 * down), and returns the environment an operator's shell needs.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { execFileSync, spawnSync } from "child_process";
import { StackConfig, deriveNames } from "../config";
import { packageRoot } from "../config/paths";
import { startControlPlane, KwokMappings } from "./control-plane";
import { authentikSeed, seedAdoption } from "./authentik-seed";
import { formatAdoption } from "../config/adoption";
import { DaemonSpec } from "./daemon";
import { KvSecrets } from "./vault-kv";
import { boxDir, cacheDir, kubeBinaries, kubectlDir, missingBinaries, postgresBin } from "./paths";
import { ensurePki } from "./pki";
import { connString, startPostgres } from "./postgres";
import { ProcRecord, alive, freePorts, listening, startProc, stopProc, waitFor } from "./procs";
import { BoxState, exportLines, readState, stateFile } from "./state";

export const CLOUDFLARE_HOST = "api.cloudflare.com";
export const CHART_HOST = "charts.goauthentik.io";

/** Raised when the box cannot start for a reason of the environment (exit 3). */
export class BoxEnvironmentError extends Error {}

function hostOf(url: string): string {
  return new URL(url).host;
}

function deepMerge(a: any, b: any): any {
  if (typeof a !== "object" || a === null || Array.isArray(a) || typeof b !== "object" || b === null || Array.isArray(b)) return b;
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in a ? deepMerge(a[k], v) : v;
  return out;
}

function writePrivate(file: string, text: string): string {
  fs.writeFileSync(file, text, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return file;
}

/** A chart package for `version`, assembled by the repo's script (the real chart from ../shared/upstream). */
function chartPackage(version: string): string {
  const script = path.join(packageRoot(), "scripts", "assemble-chart.sh");
  if (!fs.existsSync(script)) throw new BoxEnvironmentError(`chart ${version}: scripts/assemble-chart.sh is missing (the box serves the real chart packages it builds)`);
  const r = spawnSync("bash", [script, version], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (r.status !== 0) throw new BoxEnvironmentError(`chart ${version}: scripts/assemble-chart.sh exited ${r.status}`);
  return r.stdout.trim().split("\n").pop()!;
}

/** Test PEMs for the stack's secrets/ files (a self-signed wildcard for the domain; never real). */
function testTls(dir: string, domain: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (fs.existsSync(path.join(dir, "privkey.pem"))) return;
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", `/CN=*.${domain}`, "-addext", `subjectAltName=DNS:*.${domain},DNS:${domain}`, "-keyout", "privkey.pem", "-out", "fullchain.pem"], { cwd: dir, stdio: "pipe" });
  fs.chmodSync(path.join(dir, "privkey.pem"), 0o600);
}

export interface UpOptions {
  readonly config: StackConfig;
  /** Chart versions the loopback repository serves. @default - the config's release version */
  readonly charts?: readonly string[];
  readonly say: (s: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** Reconcile interval of the outpost controller and runtime. @default 2000 */
  readonly intervalMs?: number;
}

export async function boxUp(o: UpOptions): Promise<BoxState> {
  const env = o.env ?? process.env;
  const dir = boxDir(env);
  const existing = readState(dir);
  if (existing && existing.procs.some((p) => alive(p.pid))) {
    const dead = existing.procs.filter((p) => !alive(p.pid));
    if (dead.length) throw new BoxEnvironmentError(`the box in ${dir} is half up (${dead.map((p) => p.name).join(", ")} exited): run 'box down', then 'box up'`);
    o.say(`box: already up (${dir})`);
    return existing;
  }
  const c = o.config;
  const n = deriveNames(c);
  const seed = authentikSeed(c);
  const charts = o.charts?.length ? [...o.charts] : [c.release.version];
  const t0 = Date.now();

  if (missingBinaries(env).length) {
    o.say("box: Kubernetes binaries missing; building them (scripts/build-kube.sh, minutes on a cold cache)");
    const r = spawnSync("bash", [path.join(packageRoot(), "scripts", "build-kube.sh")], { stdio: ["ignore", process.stderr, process.stderr], env });
    if (r.status !== 0) throw new BoxEnvironmentError(`scripts/build-kube.sh exited ${r.status}`);
  }
  const pgBin = postgresBin(env);
  if (!pgBin) throw new BoxEnvironmentError("PostgreSQL server binaries not found (/usr/lib/postgresql/<major>/bin); install Debian's postgresql (apt-get install postgresql) or set PG_BIN");
  const apiEntry = path.join(packageRoot(), "dist", "authentik-api", "main.js");

  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, "logs"), { recursive: true, mode: 0o711 });
  fs.chmodSync(dir, 0o711);
  const procs: ProcRecord[] = [];
  const started = (p: ProcRecord) => {
    procs.push(p);
    fs.writeFileSync(stateFile(dir), JSON.stringify({ dir, startedAt: new Date().toISOString(), procs, env: {}, secretEnv: {}, charts }, null, 1));
  };
  try {
    const [etcdClient, etcdPeer, apiserver, kwokServer, pgPort, gatewayPort, edgePort, apiPort] = await freePorts(8);
    const hosts = { charts: CHART_HOST, vault: hostOf(c.vault.address), authentik: n.authentikHost, cloudflare: CLOUDFLARE_HOST, edge: hostOf(c.verify.edgeUrl) };
    const pki = ensurePki(path.join(dir, "pki"), Object.values(hosts));

    // packages first: a missing chart stops the box before anything runs
    const chartsDir = path.join(dir, "charts");
    const served: string[] = [];
    fs.mkdirSync(chartsDir, { recursive: true });
    for (const v of charts) {
      try {
        fs.copyFileSync(chartPackage(v), path.join(chartsDir, `${c.release.chart}-${v}.tgz`));
        served.push(v);
      } catch (e) {
        // without the assembly script (a tree before it landed), the repository serves nothing and says so
        if (!(e instanceof BoxEnvironmentError) || fs.existsSync(path.join(packageRoot(), "scripts", "assemble-chart.sh"))) throw e;
        o.say(`box: ${e.message}; the repository serves no chart`);
      }
    }

    const pg = await startPostgres({ dir, bin: pgBin, port: pgPort, started, say: o.say });
    writePrivate(path.join(dir, "pg-access.json"), JSON.stringify({ ...pg, bin: pgBin }));

    // kubectl exec / logs through KWOK: commands run on this machine with the box's stand-ins first on PATH
    const podBin = path.join(dir, "pod-bin");
    const shmDir = path.join(dir, "pods", "dev-shm");
    const outpostLog = path.join(dir, "pods", "outpost.log");
    fs.mkdirSync(podBin, { recursive: true });
    fs.mkdirSync(shmDir, { recursive: true });
    fs.writeFileSync(path.join(podBin, "ak"), `#!/bin/sh\n# authentik's ak, box stand-in: answers verify-upgrade's session query from PostgreSQL\nexec "${process.execPath}" "${path.join(packageRoot(), "dist", "box", "ak-shell.js")}" "${dir}" "$@"\n`, { mode: 0o755 });
    fs.writeFileSync(
      path.join(podBin, "ls"),
      `#!/bin/sh\n# ls inside a simulated pod: /dev/shm is the pod's (the box's simulated tmpfs), not this machine's\nfor a in "$@"; do shift; case $a in /dev/shm) set -- "$@" "${shmDir}";; *) set -- "$@" "$a";; esac; done\nexec /bin/ls "$@"\n`,
      { mode: 0o755 },
    );
    fs.writeFileSync(outpostLog, "");
    const kwok: KwokMappings = {
      path: [podBin],
      documents: [
        {
          apiVersion: "kwok.x-k8s.io/v1alpha1",
          kind: "ClusterLogs",
          metadata: { name: "outpost-logs" },
          spec: { selector: { matchNamespaces: [c.namespace] }, logs: [{ containers: [n.outpostContainerName], logsFile: outpostLog, follow: false }] },
        },
        {
          apiVersion: "kwok.x-k8s.io/v1alpha1",
          kind: "ClusterExec",
          metadata: { name: "pod-exec" },
          spec: { selector: { matchNamespaces: [c.namespace] }, execs: [{ local: { workDir: dir, envs: [{ name: "PATH", value: `${podBin}:/usr/bin:/bin` }] } }] },
        },
      ],
    };
    const cp = await startControlPlane({ dir, bins: kubeBinaries(env), pki, ports: { etcdClient, etcdPeer, apiserver, kwokServer }, kwok, say: o.say, started });

    // test secrets, generated per box; the stack reads them from the box's Vault at plan time
    const token = (b = 18) => crypto.randomBytes(b).toString("base64url");
    const authentikToken = token(24);
    const vaultToken = `hvs.box${token(18)}`;
    // shaped like a Cloudflare global API key (37 hex digits): the provider refuses anything outside [0-9A-Za-z_-]{37,60}
    const cfKey = crypto.randomBytes(19).toString("hex").slice(0, 37);
    const secrets: KvSecrets = {
      [c.vault.platformPath]: { authentik_postgres_password: token(), cloudflare_api_key: cfKey, homepage_credentials: JSON.stringify({ authentik: { token: token() } }) },
      [c.vault.authentikPath]: { tf_api_token: authentikToken },
    };
    const spec: DaemonSpec = {
      gatewayPort,
      edgePort,
      kube: { server: cp.server, ca: pki.ca, cert: pki.adminCert, key: pki.adminKey },
      gatewayTls: { cert: pki.gatewayCert, key: pki.gatewayKey },
      hosts,
      vault: { mount: c.vault.mount, token: vaultToken, secrets },
      chartsDir,
      cloudflare: { zoneId: c.dns.zoneId, zoneName: c.domain, apiKey: cfKey },
      authentik: { port: apiPort, token: authentikToken },
      outpost: { namespace: c.namespace, service: n.outpostObjectName },
      release: { namespace: c.namespace, name: c.release.name },
      pgBin,
      pg,
      outpostLog,
      shmDir,
      intervalMs: o.intervalMs ?? 2000,
    };
    const specFile = writePrivate(path.join(dir, "daemon.json"), JSON.stringify(spec));
    const daemon = startProc({ name: "box-daemon", cmd: process.execPath, args: [path.join(packageRoot(), "dist", "box", "daemon.js"), specFile], log: path.join(dir, "logs", "daemon.log"), ports: [gatewayPort, edgePort] });
    started(daemon);
    await waitFor("box daemon", async () => (await listening(gatewayPort)) && (await listening(edgePort)), 20000, daemon);
    o.say(`box: gateway 127.0.0.1:${gatewayPort} (${Object.values(hosts).join(", ")}), edge 127.0.0.1:${edgePort}`);

    if (fs.existsSync(apiEntry)) {
      const api = startProc({
        name: "authentik-api",
        cmd: process.execPath,
        args: [
          apiEntry,
          "--port",
          String(apiPort),
          "--token-file",
          writePrivate(path.join(dir, "authentik-token"), authentikToken),
          "--state",
          path.join(dir, "authentik-api.json"),
          "--seed",
          writePrivate(path.join(dir, "authentik-seed.json"), JSON.stringify(seed)),
          "--namespace",
          c.namespace,
        ],
        log: path.join(dir, "logs", "authentik-api.log"),
        ports: [apiPort],
      });
      started(api);
      await waitFor("authentik API", () => listening(apiPort), 20000, api);
      o.say(`box: authentik API on 127.0.0.1:${apiPort}`);
    } else {
      o.say("box: authentik API stand-in not built (dist/authentik-api/main.js): the goauthentik resources cannot apply");
    }

    // a fresh authentik already holds the default login stage and the embedded outpost: the operator adopts
    // them (import blocks) on the first deploy, as on a real fresh install; once in state the blocks are no-ops
    const adoptionFile = path.join(dir, "adoption.json");
    fs.writeFileSync(adoptionFile, formatAdoption(seedAdoption(seed)));

    // the operator's shell: real URLs through the gateway, the box's kubeconfig, PostgreSQL backend
    const secretsDir = path.join(dir, "secrets");
    testTls(secretsDir, c.domain);
    const overrides = env.AUTHENTIK_STACK_CONFIG && fs.existsSync(env.AUTHENTIK_STACK_CONFIG) ? JSON.parse(fs.readFileSync(env.AUTHENTIK_STACK_CONFIG, "utf8")) : {};
    const configFile = path.join(dir, "stack-config.json");
    fs.writeFileSync(configFile, JSON.stringify(deepMerge(overrides, { verify: { edgeUrl: `http://127.0.0.1:${edgePort}/` } }), null, 1));
    const caBundle = path.join(dir, "ca-bundle.pem");
    fs.writeFileSync(caBundle, fs.readFileSync(pki.ca));
    const tfrc = path.join(cacheDir(env), "terraformrc");
    // no kubectl on this machine: the one build-kube.sh built, alone in a folder put first on PATH
    let kubectlPath: Record<string, string> = {};
    const kdir = kubectlDir(env);
    if (kdir) {
      const only = path.join(dir, "bin");
      fs.mkdirSync(only, { recursive: true });
      fs.symlinkSync(path.join(kdir, "kubectl"), path.join(only, "kubectl"));
      kubectlPath = { PATH: `${only}:${env.PATH ?? "/usr/bin:/bin"}`, KUBECTL: path.join(only, "kubectl") };
    }
    const state: BoxState = {
      dir,
      startedAt: new Date().toISOString(),
      procs,
      charts: served,
      env: {
        KUBECONFIG: cp.kubeconfig,
        ...kubectlPath,
        VAULT_ADDR: c.vault.address,
        AUTHENTIK_URL: n.authentikUrl,
        HTTPS_PROXY: `http://127.0.0.1:${gatewayPort}`,
        https_proxy: `http://127.0.0.1:${gatewayPort}`,
        NO_PROXY: "127.0.0.1,localhost",
        no_proxy: "127.0.0.1,localhost",
        SSL_CERT_FILE: caBundle,
        VAULT_CACERT: caBundle,
        CURL_CA_BUNDLE: caBundle,
        ...(fs.existsSync(tfrc) ? { TF_CLI_CONFIG_FILE: tfrc } : {}),
        // cdktf's first `terraform providers lock` asks the public registry (it ignores the CLI config's
        // filesystem mirror) and fails here; `terraform init` still records the mirror's hashes in the lock file
        ...(fs.existsSync(tfrc) ? { CDKTF_SKIP_PROVIDER_LOCK: "true" } : {}),
        AUTHENTIK_STACK_CONFIG: configFile,
        AUTHENTIK_STACK_ADOPTION: adoptionFile,
        AUTHENTIK_STACK_BOX_DIR: dir,
        TF_VAR_kube_config_path: cp.kubeconfig,
        TF_VAR_tls_secret_name: `wildcard-${c.domain.replace(/\./g, "-")}-tls`,
        TF_VAR_redis_host: `redis.${c.namespace}.svc`,
        TF_VAR_cloudflare_email: `ops@example.org`,
        TF_VAR_secrets_dir: secretsDir,
      },
      secretEnv: {
        PG_CONN_STR: writePrivate(path.join(dir, "pg-conn-str"), connString(pg, "terraform")),
        VAULT_TOKEN: writePrivate(path.join(dir, "vault-token"), vaultToken),
        AUTHENTIK_TOKEN: writePrivate(path.join(dir, "authentik-token"), authentikToken),
      },
    };
    fs.writeFileSync(stateFile(dir), JSON.stringify(state, null, 1));
    writePrivate(path.join(dir, "env.sh"), exportLines(state).join("\n") + "\n");
    o.say(`box: up in ${((Date.now() - t0) / 1000).toFixed(1)}s (${dir})`);
    return state;
  } catch (e) {
    o.say(`box: start failed, stopping what started: ${(e as Error).message}`);
    for (const p of [...procs].reverse()) await stopProc(p);
    throw e;
  }
}
