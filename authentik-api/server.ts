/**
 * The HTTP face of the loopback authentik API: listens on 127.0.0.1 only, serves /api/v3/... through
 * the core engine, and one stand-in endpoint that authentik does not have:
 *
 *   GET /_stand-in/changes?since=SEQ[&collection=/outposts/instances/][&wait=SECONDS]
 *       -> {"seq": LAST, "changes": [{seq, at, kind: created|updated|deleted, collection, pk, object}]}
 *       long-polls up to `wait` seconds (max 30) when nothing newer than SEQ exists; same token as the API.
 *
 * In-process users subscribe with `server.core.on("change", (c: Change) => ...)`.
 */
import * as http from "http";
import { AddressInfo } from "net";
import { AuthentikApiCore, CoreOptions } from "./core";
import { Change } from "./store";

export interface StartOptions extends CoreOptions {
  /** 0 picks a free port */
  port?: number;
  /** objects to load before serving (see AuthentikApiCore.seed) */
  seed?: unknown;
}

export interface AuthentikApiServer {
  /** e.g. http://127.0.0.1:41234 (the provider's `url`; the API is under /api/v3/) */
  readonly url: string;
  readonly core: AuthentikApiCore;
  /** every request served: "METHOD /path?query STATUS" */
  readonly requests: string[];
  close(): Promise<void>;
}

const MAX_BODY = 8 * 1024 * 1024;

function send(res: http.ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error("body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startAuthentikApi(opts: StartOptions): Promise<AuthentikApiServer> {
  const core = new AuthentikApiCore(opts);
  if (opts.seed !== undefined) core.seed(opts.seed);
  const requests: string[] = [];
  const waiting = new Set<() => void>();
  core.on("change", () => {
    for (const w of [...waiting]) w();
  });

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const base = `http://${req.headers.host ?? "127.0.0.1"}`;
    const log = (status: number) => requests.push(`${req.method} ${url.pathname}${url.search} ${status}`);
    try {
      if (url.pathname === "/_stand-in/changes") {
        const refused = core.authenticate(req.headers.authorization, false);
        if (refused) return (log(refused.status), send(res, refused.status, refused.body));
        const since = Number(url.searchParams.get("since") ?? "0") || 0;
        const collection = url.searchParams.get("collection") ?? undefined;
        const wait = Math.min(30, Math.max(0, Number(url.searchParams.get("wait") ?? "0") || 0));
        const answer = () => ({ seq: core.store.seq, changes: core.store.since(since, collection) });
        if (answer().changes.length === 0 && wait > 0) {
          await new Promise<void>((resolve) => {
            const done = () => {
              if (core.store.since(since, collection).length === 0) return;
              waiting.delete(done);
              clearTimeout(timer);
              resolve();
            };
            const timer = setTimeout(() => {
              waiting.delete(done);
              resolve();
            }, wait * 1000);
            waiting.add(done);
            req.on("close", () => {
              waiting.delete(done);
              clearTimeout(timer);
              resolve();
            });
          });
        }
        log(200);
        return send(res, 200, answer());
      }
      if (!url.pathname.startsWith("/api/v3/")) return (log(404), send(res, 404, { detail: "Not found." }));
      const raw = ["POST", "PUT", "PATCH"].includes(req.method ?? "") ? await readBody(req) : "";
      let body: unknown = {};
      if (raw.trim() !== "") {
        const type = (req.headers["content-type"] ?? "").split(";")[0].trim();
        if (type !== "application/json") return (log(415), send(res, 415, { detail: `Unsupported media type "${type}" in request.` }));
        try {
          body = JSON.parse(raw);
        } catch (e) {
          return (log(400), send(res, 400, { detail: `JSON parse error - ${(e as Error).message}` }));
        }
      }
      const answer = core.handle(req.method ?? "GET", url.pathname.slice("/api/v3".length), url.searchParams, body, req.headers.authorization, base);
      log(answer.status);
      send(res, answer.status, answer.body);
    } catch (e) {
      log(500);
      send(res, 500, { detail: "A server error occurred.", stand_in_note: (e as Error).message });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    core,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const w of [...waiting]) w();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export type { Change };
