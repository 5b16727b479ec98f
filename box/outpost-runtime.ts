/**
 * What the outpost pods would do, for pods that KWOK only simulates (no container runs): when an outpost
 * pod becomes Ready, it "starts" the way the real proxy outpost does and leaves the traces
 * verify-upgrade reads:
 *  - its start-up log lines, in the outpost's JSON log format, in a CRI-format file KWOK serves for
 *    `kubectl logs` (ClusterLogs mapping): `Outpost mode` with `embedded` (the outpost is embedded when
 *    authentik reports `managed: goauthentik.io/outposts/embedded` at start-up) and the session backend
 *    it chose (PostgreSQL when embedded, the filesystem under /dev/shm otherwise);
 *  - sessions: one at start-up and one per request the edge lets through, as a row in authentik's
 *    proxy-session table in the box's PostgreSQL (expiry = now + the provider's access_token_validity as
 *    read at the pod's start: the outpost binds it then), or as a file in the simulated /dev/shm that the
 *    `kubectl exec ... ls -A /dev/shm` mapping lists.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { durationSeconds } from "../lib/duration";
import { outpostPodLabels } from "../config";
import { AuthentikClient, EMBEDDED_OUTPOST } from "./authentik-client";
import { Kube } from "./kube";
import { PgAccess, psqlAsync } from "./postgres";
import { startPeriodic } from "./periodic";

export interface PodStart {
  readonly pod: string;
  readonly embedded: boolean;
  readonly ttlSeconds: number;
}

/** One CRI log line: `<RFC3339Nano> stdout F <text>` (what kubelet writes and KWOK serves). */
export function criLine(at: Date, text: string): string {
  const iso = at.toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");
  return `${iso} stdout F ${text}`;
}

/** The proxy outpost's start-up lines (structured JSON, as its logger writes them). */
export function startupLines(at: Date, embedded: boolean, version: string): string[] {
  const ts = at.toISOString();
  const line = (o: Record<string, unknown>) => JSON.stringify({ ...o, level: "info", timestamp: ts });
  return [
    line({ event: "Starting authentik outpost", logger: "authentik.outpost", version, build: "box" }),
    line({ event: "Outpost mode", embedded, logger: "authentik.outpost" }),
    line({ event: embedded ? "using PostgreSQL session backend" : "using filesystem session backend", logger: "authentik.outpost.proxyv2" }),
    line({ event: "Starting HTTP server", listen: "0.0.0.0:9000", logger: "authentik.outpost.proxyv2" }),
  ];
}

export class OutpostRuntime {
  private stopLoop?: () => void;
  private readonly started = new Map<string, PodStart>();

  constructor(
    private readonly o: {
      kube: Kube;
      authentik: AuthentikClient;
      pgBin: string;
      pg: PgAccess;
      logFile: string;
      shmDir: string;
      intervalMs: number;
      log: (s: string) => void;
    },
  ) {
    fs.mkdirSync(path.dirname(o.logFile), { recursive: true });
    fs.mkdirSync(o.shmDir, { recursive: true });
    if (!fs.existsSync(o.logFile)) fs.writeFileSync(o.logFile, "");
  }

  start(): void {
    this.stopLoop = startPeriodic(() => this.scan(), this.o.intervalMs, (e) => this.o.log(`outpost runtime: ${e.message}`));
  }

  stop(): void {
    this.stopLoop?.();
  }

  /** Ready outpost pods that have started (for the edge's sessions). */
  readyPods(): PodStart[] {
    return [...this.started.values()];
  }

  async scan(): Promise<void> {
    const outposts = (await this.o.authentik.outposts()).filter((x) => x.service_connection);
    const seen = new Set<string>();
    for (const op of outposts) {
      const ns = op.config?.kubernetes_namespace ?? "default";
      const selector = Object.entries(outpostPodLabels({ name: op.name, type: op.type, uuid: op.pk })).map(([k, v]) => `${k}=${v}`).join(",");
      const pods = await this.o.kube.get(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`);
      for (const p of pods.items ?? []) {
        const ready = (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True") && !p.metadata.deletionTimestamp;
        const key = `${ns}/${p.metadata.name}/${p.metadata.uid}`;
        if (!ready) continue;
        seen.add(key);
        if (this.started.has(key)) continue;
        const embedded = op.managed === EMBEDDED_OUTPOST;
        const provider = op.providers.length ? await this.o.authentik.proxyProvider(op.providers[0]) : undefined;
        const ttlSeconds = provider ? durationSeconds(provider.access_token_validity) : 0;
        const start: PodStart = { pod: p.metadata.name, embedded, ttlSeconds };
        this.started.set(key, start);
        const image = p.spec?.containers?.[0]?.image ?? "";
        fs.appendFileSync(this.o.logFile, startupLines(new Date(), embedded, image.split(":").pop() ?? "").map((l) => criLine(new Date(), l)).join("\n") + "\n");
        await this.session(start);
        this.o.log(`outpost runtime: ${p.metadata.name} started (embedded=${embedded}, session TTL ${ttlSeconds}s)`);
      }
    }
    for (const k of [...this.started.keys()]) if (!seen.has(k)) this.started.delete(k);
  }

  /** One login through a started pod: a PostgreSQL row, or a file in /dev/shm (filesystem backend). */
  async session(p: PodStart): Promise<void> {
    const key = crypto.randomBytes(16).toString("hex");
    if (!p.embedded) {
      fs.writeFileSync(path.join(this.o.shmDir, `session_${key}`), "");
      return;
    }
    await psqlAsync(
      this.o.pgBin,
      this.o.pg,
      "authentik",
      `INSERT INTO authentik_providers_proxy_proxysession (uuid, session_key, session_data, expires) VALUES ('${crypto.randomUUID()}', '${key}', '\\x00', now() + interval '${Math.round(p.ttlSeconds)} seconds')`,
    );
  }
}
