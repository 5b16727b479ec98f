/**
 * A minimal Kubernetes REST client for the box's own controllers (outpost controller, edge, pod
 * simulator): JSON over HTTPS to the loopback API server with the admin client certificate, each call
 * with a deadline. Not a general client: the few verbs the box needs.
 */
import * as fs from "fs";
import * as https from "https";

export interface KubeAccess {
  readonly server: string;
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export class KubeError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export class Kube {
  private readonly agent: https.Agent;
  constructor(readonly access: KubeAccess, private readonly timeoutMs = 10000) {
    this.agent = new https.Agent({ ca: fs.readFileSync(access.ca), cert: fs.readFileSync(access.cert), key: fs.readFileSync(access.key), keepAlive: true, maxSockets: 4 });
  }

  request(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<any> {
    const url = new URL(path, this.access.server);
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        { method, agent: this.agent, timeout: this.timeoutMs, headers: { accept: "application/json", ...(data ? { "content-type": contentType, "content-length": data.length } : {}) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let json: any;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve(json);
            else reject(new KubeError(status, `${method} ${path}: ${status} ${json?.message ?? text.slice(0, 200)}`));
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer within ${this.timeoutMs / 1000}s`)));
      req.on("error", reject);
      if (data) req.write(data);
      req.end();
    });
  }

  get(path: string): Promise<any> {
    return this.request("GET", path);
  }

  /** GET that answers undefined on 404. */
  async find(path: string): Promise<any | undefined> {
    try {
      return await this.get(path);
    } catch (e) {
      if (e instanceof KubeError && e.status === 404) return undefined;
      throw e;
    }
  }

  create(collection: string, obj: unknown): Promise<any> {
    return this.request("POST", collection, obj);
  }

  /** Strategic merge patch (what authentik's Python client sends for patch_namespaced_*). */
  mergePatch(path: string, obj: unknown, fieldManager?: string): Promise<any> {
    return this.request("PATCH", fieldManager ? `${path}?fieldManager=${encodeURIComponent(fieldManager)}` : path, obj, "application/strategic-merge-patch+json");
  }

  delete(path: string): Promise<any> {
    return this.request("DELETE", path);
  }

  close(): void {
    this.agent.destroy();
  }
}
