/**
 * Vault's KV v2 read API on loopback, the stand-in for Vault in the box: no Vault server binary is
 * served by the registries reachable here (Debian does not package it; the Go module proxy serves
 * Vault's API client, not a build of the server we could pin). It answers what the stack's vault
 * provider calls at plan time: `GET /v1/<mount>/data/<path>` (secret with metadata), token
 * `lookup-self`, and lets an operator change a test secret with `PUT/POST /v1/<mount>/data/<path>`
 * (`{"data": {...}}`, KV v2's write body). Every call needs the box's token (X-Vault-Token), else 403.
 */
import * as http from "http";

export type KvSecrets = Record<string, Record<string, string>>;

export interface VaultKv {
  readonly handler: http.RequestListener;
  readonly secrets: KvSecrets;
}

export function vaultKv(o: { mount: string; token: string; secrets: KvSecrets }): VaultKv {
  const versions = new Map<string, number>();
  const handler: http.RequestListener = (req, res) => {
    res.setHeader("content-type", "application/json");
    const send = (status: number, body: unknown) => {
      res.statusCode = status;
      res.end(JSON.stringify(body));
    };
    if (req.headers["x-vault-token"] !== o.token) return send(403, { errors: ["permission denied"] });
    const url = new URL(req.url ?? "/", "http://vault");
    if (url.pathname === "/v1/auth/token/lookup-self") return send(200, { data: { policies: ["default"], ttl: 3600, renewable: false, namespace_path: "", display_name: "token-box" } });
    const prefix = `/v1/${o.mount}/data/`;
    if (!url.pathname.startsWith(prefix)) return send(404, { errors: [] });
    const name = decodeURIComponent(url.pathname.slice(prefix.length));
    if (req.method === "GET") {
      const data = o.secrets[name];
      if (!data) return send(404, { errors: [] });
      return send(200, { request_id: "box", lease_id: "", renewable: false, lease_duration: 0, data: { data, metadata: { created_time: "2026-05-10T00:00:00Z", custom_metadata: null, deletion_time: "", destroyed: false, version: versions.get(name) ?? 1 } }, warnings: null });
    }
    if (req.method === "PUT" || req.method === "POST") {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        let parsed: any;
        try {
          parsed = JSON.parse(body);
        } catch {
          return send(400, { errors: ["failed to parse JSON input"] });
        }
        if (!parsed || typeof parsed.data !== "object" || Object.values(parsed.data).some((v) => typeof v !== "string")) return send(400, { errors: ["data: an object of string values is required"] });
        o.secrets[name] = parsed.data;
        versions.set(name, (versions.get(name) ?? 1) + 1);
        send(200, { data: { version: versions.get(name), created_time: new Date().toISOString(), deletion_time: "", destroyed: false } });
      });
      return;
    }
    send(405, { errors: [`${req.method} not supported`] });
  };
  return { handler, secrets: o.secrets };
}
