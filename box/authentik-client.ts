/**
 * What the box's controllers read from the authentik API (the loopback stand-in, or any authentik
 * 2026.2 server): outposts and proxy providers, over REST with a token, paths and bodies per authentik's
 * OpenAPI description (`/api/v3/outposts/instances/`, `/api/v3/providers/proxy/{id}/`).
 */
import * as http from "http";

export const EMBEDDED_OUTPOST = "goauthentik.io/outposts/embedded";

export interface OutpostRecord {
  readonly pk: string;
  readonly name: string;
  readonly type: string;
  readonly providers: number[];
  readonly service_connection: string | null;
  readonly managed: string | null;
  readonly config: Record<string, any>;
}

export class AuthentikClient {
  constructor(private readonly base: string, private readonly token: string, private readonly timeoutMs = 5000) {}

  private get(path: string): Promise<any> {
    const url = new URL(path, this.base);
    return new Promise((resolve, reject) => {
      const req = http.get(url, { headers: { authorization: `Bearer ${this.token}`, accept: "application/json" }, timeout: this.timeoutMs }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => {
          if (res.statusCode !== 200) return reject(new Error(`GET ${url.pathname}: ${res.statusCode} ${body.slice(0, 200)}`));
          try {
            resolve(JSON.parse(body));
          } catch {
            reject(new Error(`GET ${url.pathname}: not JSON`));
          }
        });
      });
      req.on("timeout", () => req.destroy(new Error(`GET ${url.pathname}: no answer within ${this.timeoutMs / 1000}s`)));
      req.on("error", reject);
    });
  }

  /** Every outpost, following pagination. */
  async outposts(): Promise<OutpostRecord[]> {
    const out: OutpostRecord[] = [];
    for (let page = 1; ; page++) {
      const r = await this.get(`/api/v3/outposts/instances/?page=${page}&page_size=100`);
      out.push(...(r.results ?? []));
      if (!r.pagination?.next) return out;
    }
  }

  async proxyProvider(pk: number): Promise<{ pk: number; access_token_validity: string } | undefined> {
    try {
      return await this.get(`/api/v3/providers/proxy/${pk}/`);
    } catch (e) {
      if (/: 404 /.test((e as Error).message)) return undefined;
      throw e;
    }
  }
}
