/**
 * A Helm chart repository on loopback that serves real chart packages (scripts/assemble-chart.sh) at the
 * repository's real URL, so the stack's `repository = "https://charts.goauthentik.io/"` stays untouched:
 *  - an HTTPS server for that host, with a throwaway CA made by openssl (give Helm/Terraform SSL_CERT_FILE);
 *  - reached through a CONNECT proxy on 127.0.0.1 (give them HTTPS_PROXY); the proxy opens tunnels to
 *    the chart host only and refuses every other host (nothing leaves the machine);
 *  - the same content over plain HTTP on 127.0.0.1 (`httpUrl`) for clients that take a repository URL.
 * index.yaml is built from each package's own Chart.yaml (name, version, appVersion, dependencies...)
 * with its sha256 digest. Used by the tests' offline world; the rehearsal box mounts `chartRepositoryListener`
 * behind its own gateway. Everything stops with close().
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as net from "net";
import * as path from "path";
import { execFileSync } from "child_process";
import { parse, stringify } from "yaml";

/** The host the goauthentik chart repository has in the stack's config. */
export const CHART_HOST = "charts.goauthentik.io";

export interface ChartRepositoryOptions {
  /** Chart package files (.tgz) to serve. */
  readonly packages: readonly string[];
  /** A private folder for the CA and server key (created if missing). */
  readonly dir: string;
  /** The host the HTTPS side answers for. @default CHART_HOST */
  readonly host?: string;
}

export interface ChartRepository {
  /** The repository URL clients use through the proxy, e.g. https://charts.goauthentik.io/ */
  readonly url: string;
  /** Plain HTTP URL of the same repository on 127.0.0.1. */
  readonly httpUrl: string;
  /** HTTPS_PROXY for clients (http://127.0.0.1:PORT). */
  readonly proxyUrl: string;
  /** The throwaway CA's certificate (SSL_CERT_FILE for clients). */
  readonly caFile: string;
  /** Every request, as "charts GET /index.yaml" / "proxy CONNECT host:443". */
  readonly requests: string[];
  close(): Promise<void>;
}

interface Served {
  readonly name: string;
  readonly file: string;
  readonly body: Buffer;
  readonly meta: Record<string, unknown>;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port));
  });
}

function makeCerts(dir: string, host: string): { caFile: string; key: Buffer; cert: Buffer } {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=authentik-stack loopback CA", "-keyout", "ca.key", "-out", "ca.pem"]);
  run(["req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${host}`, "-keyout", "srv.key", "-out", "srv.csr"]);
  fs.writeFileSync(path.join(dir, "san.ext"), `subjectAltName=DNS:${host}\n`);
  run(["x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "srv.pem"]);
  return { caFile: path.join(dir, "ca.pem"), key: fs.readFileSync(path.join(dir, "srv.key")), cert: fs.readFileSync(path.join(dir, "srv.pem")) };
}

/** A package's Chart.yaml (the entry <chart>/Chart.yaml at the top of the archive). */
export function packageMetadata(file: string): Record<string, unknown> {
  const names = execFileSync("tar", ["tzf", file], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }).split("\n");
  const entry = names.find((n) => /^[^/]+\/Chart\.yaml$/.test(n));
  if (!entry) throw new Error(`${file}: not a chart package (no <chart>/Chart.yaml inside); fix: build it with scripts/assemble-chart.sh`);
  return parse(execFileSync("tar", ["xzOf", file, entry], { encoding: "utf8" }));
}

/** index.yaml for the packages, as `helm repo index` lays it out (entries by chart name, newest first). */
function repositoryIndex(served: readonly Served[], baseUrl: string): string {
  const entries: Record<string, unknown[]> = {};
  const created = "2026-01-01T00:00:00Z";
  for (const s of [...served].sort((a, b) => String(b.meta.version).localeCompare(String(a.meta.version), undefined, { numeric: true }))) {
    const digest = crypto.createHash("sha256").update(s.body).digest("hex");
    (entries[s.name] ??= []).push({ ...s.meta, created, digest, urls: [`${baseUrl}${path.basename(s.file)}`] });
  }
  return stringify({ apiVersion: "v1", entries, generated: created });
}

/**
 * A request listener serving a chart repository at `baseUrl` (index.yaml and the packages). `packages`
 * may be a function (e.g. listing a folder), read on every index request, so a package added later is served.
 */
export function chartRepositoryListener(opts: { packages: readonly string[] | (() => readonly string[]); baseUrl: string; requests?: string[]; tag?: string }): http.RequestListener {
  const list = typeof opts.packages === "function" ? opts.packages : () => opts.packages as readonly string[];
  const known = new Map<string, Served>();
  const served = (): Served[] =>
    list().map((file) => {
      const st = fs.statSync(file);
      const key = `${file}:${st.size}:${st.mtimeMs}`;
      let s = known.get(key);
      if (!s) {
        const meta = packageMetadata(file);
        s = { name: String(meta.name), file, body: fs.readFileSync(file), meta };
        known.set(key, s);
      }
      return s;
    });
  return (req, res) => {
    opts.requests?.push(`${opts.tag ?? "charts"} ${req.method} ${req.url}`);
    const url = (req.url ?? "/").split("?")[0];
    const all = served();
    const pkg = all.find((s) => `/${path.basename(s.file)}` === url);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.statusCode = 405;
      res.end();
    } else if (url === "/index.yaml") {
      res.setHeader("content-type", "application/x-yaml");
      res.end(repositoryIndex(all, opts.baseUrl));
    } else if (pkg) {
      res.setHeader("content-type", "application/gzip");
      res.end(pkg.body);
    } else {
      res.statusCode = 404;
      res.end();
    }
  };
}

export async function startChartRepository(opts: ChartRepositoryOptions): Promise<ChartRepository> {
  const host = opts.host ?? CHART_HOST;
  const requests: string[] = [];
  for (const file of opts.packages) packageMetadata(file); // fail now, naming the file, not at the first request
  const certs = makeCerts(opts.dir, host);

  const tls = https.createServer({ key: certs.key, cert: certs.cert }, chartRepositoryListener({ packages: opts.packages, baseUrl: `https://${host}/`, requests }));
  const plain = http.createServer();
  const plainPort = await listen(plain);
  const httpUrl = `http://127.0.0.1:${plainPort}/`;
  plain.on("request", chartRepositoryListener({ packages: opts.packages, baseUrl: httpUrl, requests, tag: "charts-http" }));

  // CONNECT proxy: tunnels to the chart host end in the in-process TLS server; any other host is refused.
  const proxy = http.createServer((req, res) => {
    requests.push(`proxy ${req.method} ${req.url}`);
    res.statusCode = 405;
    res.end();
  });
  const tunnels = new Set<net.Socket>();
  proxy.on("connect", (req: http.IncomingMessage, socket: net.Socket) => {
    requests.push(`proxy CONNECT ${req.url}`);
    tunnels.add(socket);
    socket.on("close", () => tunnels.delete(socket));
    if (req.url !== `${host}:443`) {
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    tls.emit("connection", socket);
  });
  const proxyPort = await listen(proxy);

  return {
    url: `https://${host}/`,
    httpUrl,
    proxyUrl: `http://127.0.0.1:${proxyPort}`,
    caFile: certs.caFile,
    requests,
    close: async () => {
      tls.close();
      for (const t of tunnels) t.destroy();
      plain.closeAllConnections();
      proxy.closeAllConnections();
      await Promise.all([plain, proxy].map((s) => new Promise((r) => s.close(() => r(undefined)))));
    },
  };
}
