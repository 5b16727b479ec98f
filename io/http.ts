/**
 * One HTTP(S) request with an overall deadline: connecting, the headers and the whole body must arrive
 * within `timeoutMs`, so a server that drips one byte a second can't hold a command forever (Node's own
 * `timeout` option is an idle timeout and never fires on a slow drip). Redirects are not followed.
 * Every failure is an HttpError with a one-line message (an environment problem: the CLI maps it to exit 3).
 */
import * as http from "http";
import * as https from "https";
import { EnvironmentError } from "../lib/errors";

export interface HttpOptions {
  /** Overall deadline in milliseconds (connect + headers + body). */
  readonly timeoutMs: number;
  /** @default "GET" */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Request body. @default - none */
  readonly body?: string | Buffer;
  /** Read the body (false: only status and headers; the body is discarded). @default true */
  readonly readBody?: boolean;
  /** A longer body fails the request. @default 16 MiB */
  readonly maxBodyBytes?: number;
  /** TLS: extra CA certificates (PEM). @default - the system's */
  readonly ca?: string | Buffer;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The body as text (empty when readBody is false). */
  readonly body: string;
  readonly durationMs: number;
}

export type HttpFailure = "timeout" | "network" | "too-large" | "bad-url";

export class HttpError extends EnvironmentError {
  constructor(
    readonly reason: HttpFailure,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** Performs one request; resolves with any status (4xx/5xx included), rejects with HttpError. */
export function request(url: string, o: HttpOptions): Promise<HttpResponse> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.reject(new HttpError("bad-url", `'${url}' is not a URL; allowed: http://host/path or https://host/path`));
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    return Promise.reject(new HttpError("bad-url", `'${url}': scheme ${u.protocol} is not supported; allowed: http, https`));
  }
  if (!Number.isFinite(o.timeoutMs) || o.timeoutMs <= 0) {
    return Promise.reject(new HttpError("bad-url", `${url}: timeoutMs must be a finite positive number (got ${o.timeoutMs})`));
  }
  const what = `${o.method ?? "GET"} ${u.origin}${u.pathname}`;
  const started = Date.now();
  const maxBytes = o.maxBodyBytes ?? 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    let done = false;
    const settle = (f: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      f();
    };
    const lib = u.protocol === "https:" ? https : http;
    const req = lib.request(u, { method: o.method ?? "GET", headers: o.headers, ca: o.ca }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      if (o.readBody === false) {
        res.destroy();
        settle(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: "", durationMs: Date.now() - started }));
        return;
      }
      res.on("data", (d: Buffer) => {
        bytes += d.length;
        if (bytes > maxBytes) {
          req.destroy();
          settle(() => reject(new HttpError("too-large", `${what}: the answer is larger than ${maxBytes} bytes`)));
        } else chunks.push(d);
      });
      res.on("end", () => settle(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), durationMs: Date.now() - started })));
      res.on("error", (e) => settle(() => reject(new HttpError("network", `${what}: ${e.message}`))));
    });
    const deadline = setTimeout(() => {
      req.destroy();
      settle(() => reject(new HttpError("timeout", `${what}: no complete answer within ${o.timeoutMs / 1000}s`)));
    }, o.timeoutMs);
    req.on("error", (e: NodeJS.ErrnoException) => settle(() => reject(new HttpError("network", `${what}: ${e.code ?? e.message}`))));
    req.end(o.body);
  });
}
