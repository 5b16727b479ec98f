/**
 * The box's loopback services in one Node process (started by `box up`, stopped by PID by `box down`):
 * the gateway (HTTPS_PROXY) with the chart repository, Vault KV v2, Cloudflare DNS and the edge behind
 * it; the edge on its own loopback port too; the outpost controller; the outpost runtime. Reads its
 * spec from the 0600 JSON file named on the command line.
 */
import * as fs from "fs";
import * as http from "http";
import { AuthentikClient } from "./authentik-client";
import { chartRepo } from "./chart-repo";
import { cloudflareDns } from "./cloudflare-dns";
import { edge } from "./edge";
import { createGateway, forwardTo } from "./gateway";
import { Kube } from "./kube";
import { OutpostController } from "./outpost-controller";
import { OutpostRuntime } from "./outpost-runtime";
import { PgAccess } from "./postgres";
import { KvSecrets, vaultKv } from "./vault-kv";

export interface DaemonSpec {
  readonly gatewayPort: number;
  readonly edgePort: number;
  readonly kube: { server: string; ca: string; cert: string; key: string };
  readonly gatewayTls: { cert: string; key: string };
  readonly hosts: { charts: string; vault: string; authentik: string; cloudflare: string; edge: string };
  readonly vault: { mount: string; token: string; secrets: KvSecrets };
  readonly chartsDir: string;
  readonly cloudflare: { zoneId: string; zoneName: string; apiKey: string };
  readonly authentik: { port: number; token: string };
  readonly outpost: { namespace: string; service: string };
  readonly release: { namespace: string; name: string };
  readonly pgBin: string;
  readonly pg: PgAccess;
  readonly outpostLog: string;
  readonly shmDir: string;
  readonly intervalMs: number;
}

function log(s: string): void {
  process.stdout.write(`${new Date().toISOString()} ${s}\n`);
}

export async function runDaemon(spec: DaemonSpec): Promise<() => Promise<void>> {
  const kube = new Kube(spec.kube);
  const authentik = new AuthentikClient(`http://127.0.0.1:${spec.authentik.port}`, spec.authentik.token);
  const runtime = new OutpostRuntime({ kube, authentik, pgBin: spec.pgBin, pg: spec.pg, logFile: spec.outpostLog, shmDir: spec.shmDir, intervalMs: spec.intervalMs, log });
  const edgeHandler = edge({ kube, namespace: spec.outpost.namespace, service: spec.outpost.service, authentikHost: spec.hosts.authentik });
  // traffic the edge lets through logs in through a ready outpost pod (one session each)
  const edgeWithSessions: http.RequestListener = (req, res) => {
    res.on("finish", () => {
      if (res.statusCode !== 302) return;
      const pods = runtime.readyPods();
      if (pods.length) {
        runtime.session(pods[Math.floor(Math.random() * pods.length)]).catch((e) => log(`edge: session not recorded: ${(e as Error).message}`));
      }
    });
    edgeHandler(req, res);
  };
  const gateway = createGateway({
    routes: {
      [spec.hosts.charts]: chartRepo(spec.chartsDir, `https://${spec.hosts.charts}/`),
      [spec.hosts.vault]: vaultKv(spec.vault).handler,
      [spec.hosts.authentik]: forwardTo(spec.authentik.port),
      [spec.hosts.cloudflare]: cloudflareDns(spec.cloudflare),
      [spec.hosts.edge]: edgeWithSessions,
    },
    cert: fs.readFileSync(spec.gatewayTls.cert),
    key: fs.readFileSync(spec.gatewayTls.key),
    log,
  });
  const edgeServer = http.createServer(edgeWithSessions);
  await new Promise<void>((r) => gateway.listen(spec.gatewayPort, "127.0.0.1", () => r()));
  await new Promise<void>((r) => edgeServer.listen(spec.edgePort, "127.0.0.1", () => r()));
  const controller = new OutpostController({ kube, authentik, releaseNamespace: spec.release.namespace, releaseName: spec.release.name, intervalMs: spec.intervalMs, log });
  controller.start();
  runtime.start();
  log(`box daemon: gateway 127.0.0.1:${spec.gatewayPort}, edge 127.0.0.1:${spec.edgePort}, controller every ${spec.intervalMs} ms`);
  return async () => {
    controller.stop();
    runtime.stop();
    await Promise.all([gateway, edgeServer].map((s) => new Promise((r) => s.close(() => r(undefined)))));
    kube.close();
  };
}

if (require.main === module) {
  const spec: DaemonSpec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  runDaemon(spec).then(
    (stop) => {
      const bye = () => stop().finally(() => process.exit(0));
      process.on("SIGTERM", bye);
      process.on("SIGINT", bye);
    },
    (e) => {
      log(`box daemon: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
