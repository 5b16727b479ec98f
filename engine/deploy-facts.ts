/**
 * The facts the plan policy needs beyond the plan, read before it judges (the rules stay pure):
 *  - what each changing helm_release runs now: the images of its Deployments' server/worker containers
 *    (`kubectl get deployments -l app.kubernetes.io/instance=<release>`) and of its deployed manifest
 *    (Helm's release Secret, `owner=helm,status=deployed`: base64 of gzip of the release JSON);
 *  - the appVersion of the chart version the plan installs (the repository's index.yaml).
 * What can't be read is recorded as an error string; PL003 then refuses ("can't judge"), never passes.
 * Nothing read here is printed: the release Secret holds the values, which may hold credentials.
 */
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as tls from "tls";
import { gunzipSync } from "zlib";
import { parse, parseAllDocuments } from "yaml";
import { changeKind, PlanJson, PolicyFacts, ReleaseFacts, RunningImage } from "../policy";
import { COMPONENTS } from "../policy/release-images";
import { ExecError, run } from "../io/exec";

export interface FactsOptions {
  /** kubectl binary. @default $KUBECTL or "kubectl" */
  readonly kubectl?: string;
  /** The kubeconfig the stack's kubernetes provider uses. @default $TF_VAR_kube_config_path, else kubectl's default */
  readonly kubeconfig?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Deadline per kubectl call and HTTP request. */
  readonly timeoutMs: number;
  /** Reads a URL's text (the chart index). @default - HTTP(S) GET honouring HTTPS_PROXY and SSL_CERT_FILE */
  readonly fetchText?: (url: string, timeoutMs: number) => Promise<string>;
}

/** Runs kubectl through io/exec (deadline, whole process group killed on expiry); resolves stdout, rejects with a one-line reason. */
async function kubectl(o: FactsOptions, args: string[]): Promise<string> {
  const env = o.env ?? process.env;
  const bin = o.kubectl ?? env.KUBECTL ?? "kubectl";
  const kubeconfig = o.kubeconfig ?? env.TF_VAR_kube_config_path;
  const what = `kubectl ${args.slice(0, 2).join(" ")}`;
  let r;
  try {
    r = await run(bin, [...(kubeconfig ? ["--kubeconfig", kubeconfig] : []), ...args], { env, timeoutMs: o.timeoutMs, label: what });
  } catch (e) {
    if (e instanceof ExecError && e.reason === "timeout") throw new Error(`${what} did not answer within ${o.timeoutMs / 1000}s`);
    if (e instanceof ExecError && e.reason === "not-found") throw new Error(`kubectl not found ('${bin}'); install it or point $KUBECTL at it`);
    throw e;
  }
  if (r.code === 0) return r.stdout;
  throw new Error(`${what} -n ${args[args.indexOf("-n") + 1]}: ${(r.stderr.trim().split("\n").pop() || `exit ${r.code ?? r.signal}`).slice(0, 300)}`);
}

/** server/worker container images of Deployment objects (from the API or a manifest). */
function componentImages(deployments: any[], source: (d: any, c: any) => string): RunningImage[] {
  const out: RunningImage[] = [];
  for (const d of deployments) {
    for (const c of d?.spec?.template?.spec?.containers ?? []) {
      if ((COMPONENTS as readonly string[]).includes(c?.name) && typeof c.image === "string") out.push({ image: c.image, source: source(d, c) });
    }
  }
  return out;
}

/** Helm's storage: the Secret's data.release is base64 (Kubernetes) of base64 (Helm) of gzip of the release JSON. */
export function decodeHelmRelease(data: string): any {
  const inner = Buffer.from(Buffer.from(data, "base64").toString("utf8"), "base64");
  const raw = inner[0] === 0x1f && inner[1] === 0x8b ? gunzipSync(inner) : inner;
  return JSON.parse(raw.toString("utf8"));
}

async function runningImages(o: FactsOptions, namespace: string, release: string): Promise<RunningImage[]> {
  const deps = JSON.parse(await kubectl(o, ["get", "deployments", "-n", namespace, "-l", `app.kubernetes.io/instance=${release}`, "-o", "json"]));
  const fromCluster = componentImages(deps.items ?? [], (d, c) => `deployment ${namespace}/${d.metadata?.name} container ${c.name}`);
  const secrets = JSON.parse(await kubectl(o, ["get", "secrets", "-n", namespace, "-l", `owner=helm,name=${release},status=deployed`, "-o", "json"]));
  const fromManifest: RunningImage[] = [];
  for (const s of secrets.items ?? []) {
    if (typeof s?.data?.release !== "string") continue;
    const rel = decodeHelmRelease(s.data.release);
    const docs = parseAllDocuments(String(rel.manifest ?? "")).map((d) => d.toJSON()).filter((d) => d?.kind === "Deployment");
    fromManifest.push(...componentImages(docs, (d, c) => `release ${release} revision ${rel.version} manifest, deployment ${d.metadata?.name} container ${c.name}`));
  }
  return [...fromCluster, ...fromManifest];
}

function caBundle(env: NodeJS.ProcessEnv): string[] | undefined {
  const file = env.SSL_CERT_FILE;
  if (!file) return undefined;
  return [...tls.rootCertificates, fs.readFileSync(file, "utf8")];
}

function noProxy(host: string, env: NodeJS.ProcessEnv): boolean {
  const list = (env.NO_PROXY ?? env.no_proxy ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return list.some((n) => n === "*" || host === n || host.endsWith(n.startsWith(".") ? n : `.${n}`));
}

/** GET a URL's text with an overall deadline; https through HTTPS_PROXY (CONNECT) when set, CA from SSL_CERT_FILE. */
export function fetchText(url: string, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    let done = false;
    const open: Array<{ destroy(): void }> = [];
    const finish = (e?: Error, body?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      open.forEach((r) => r.destroy());
      e ? reject(e) : resolve(body!);
    };
    const timer = setTimeout(() => finish(new Error(`GET ${url}: no answer within ${timeoutMs / 1000}s`)), timeoutMs);
    const onResponse = (res: http.IncomingMessage) => {
      if (res.statusCode !== 200) {
        res.resume();
        return finish(new Error(`GET ${url}: HTTP ${res.statusCode}`));
      }
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => finish(undefined, body));
      res.on("error", (e) => finish(e));
    };
    const proxy = env.HTTPS_PROXY ?? env.https_proxy;
    if (u.protocol === "https:" && proxy && !noProxy(u.hostname, env)) {
      const p = new URL(proxy);
      const port = u.port || "443";
      const req = http.request({ host: p.hostname, port: p.port || 80, method: "CONNECT", path: `${u.hostname}:${port}` });
      req.on("connect", (res, socket) => {
        if (res.statusCode !== 200) return finish(new Error(`GET ${url}: proxy ${p.host} refused CONNECT (${res.statusCode})`));
        open.push(socket);
        open.push(https.get({ host: u.hostname, path: u.pathname + u.search, socket, agent: false, ca: caBundle(env), servername: u.hostname } as https.RequestOptions, onResponse).on("error", (e) => finish(e)));
      });
      open.push(req);
      req.on("error", (e) => finish(new Error(`GET ${url} through ${p.host}: ${e.message}`)));
      req.end();
      return;
    }
    const mod = u.protocol === "https:" ? https : http;
    open.push(mod.get(url, { agent: false, ca: u.protocol === "https:" ? caBundle(env) : undefined }, onResponse).on("error", (e) => finish(new Error(`GET ${url}: ${e.message}`))));
  });
}

async function appVersionOf(o: FactsOptions, repository: unknown, chart: unknown, version: unknown): Promise<string> {
  if (typeof repository !== "string" || !/^https?:\/\//.test(repository)) throw new Error(`the chart repository ${JSON.stringify(repository)} is not an HTTP(S) chart repository (no index.yaml to read the appVersion from)`);
  if (typeof chart !== "string" || typeof version !== "string") throw new Error("the plan doesn't know the chart name and version yet");
  const url = `${repository.replace(/\/+$/, "")}/index.yaml`;
  const index = parse(await (o.fetchText ?? ((x, t) => fetchText(x, t, o.env ?? process.env)))(url, o.timeoutMs));
  const entry = (index?.entries?.[chart] ?? []).find((e: any) => e?.version === version);
  if (!entry) throw new Error(`${url} lists no ${chart} ${version}`);
  if (typeof entry.appVersion !== "string" || !entry.appVersion) throw new Error(`${url}: ${chart} ${version} has no appVersion`);
  return entry.appVersion;
}

const oneLine = (e: unknown) => (e as Error).message.split("\n")[0];

/** Facts for every helm_release the plan creates, updates or replaces. */
export async function gatherFacts(plan: PlanJson, o: FactsOptions): Promise<PolicyFacts> {
  const releases: Record<string, ReleaseFacts> = {};
  for (const rc of plan.resource_changes ?? []) {
    if (rc?.mode !== "managed" || rc.type !== "helm_release" || !Array.isArray(rc.change?.actions)) continue;
    const kind = changeKind(rc);
    if (kind !== "create" && kind !== "update" && kind !== "replace") continue;
    const attrs = rc.change.after ?? {};
    const before = rc.change.before ?? {};
    const namespace = String(before.namespace ?? attrs.namespace ?? "default");
    const name = String(before.name ?? attrs.name);
    const rf: { -readonly [K in keyof ReleaseFacts]: ReleaseFacts[K] } = {};
    try {
      rf.running = await runningImages(o, namespace, name);
    } catch (e) {
      rf.runningError = oneLine(e);
    }
    try {
      rf.targetAppVersion = await appVersionOf(o, attrs.repository, attrs.chart, attrs.version);
    } catch (e) {
      rf.targetAppVersionError = oneLine(e);
    }
    releases[rc.address] = rf;
  }
  return { releases };
}
