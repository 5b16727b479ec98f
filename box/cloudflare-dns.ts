/**
 * Cloudflare's DNS-records API (v4, https://api.cloudflare.com/client/v4) on loopback, held in memory:
 * what the cloudflare provider calls for `cloudflare_record` (zone lookup, create, read, update,
 * delete). Answers in Cloudflare's envelope ({success, errors, messages, result}). Needs the box's API
 * key and e-mail (X-Auth-Key / X-Auth-Email), like the real API with a global key.
 */
import * as crypto from "crypto";
import * as http from "http";

export function cloudflareDns(o: { zoneId: string; zoneName: string; apiKey: string }): http.RequestListener {
  const records = new Map<string, any>();
  return (req, res) => {
    res.setHeader("content-type", "application/json");
    const send = (status: number, result: unknown, errors: unknown[] = []) => {
      res.statusCode = status;
      res.end(JSON.stringify({ success: status < 400, errors, messages: [], result }));
    };
    if (req.headers["x-auth-key"] !== o.apiKey) return send(403, null, [{ code: 9103, message: "Unknown X-Auth-Key or X-Auth-Email" }]);
    const url = new URL(req.url ?? "/", "https://api.cloudflare.com");
    const m = /^\/client\/v4\/zones\/([^/]+)(?:\/dns_records(?:\/([^/]+))?)?\/?$/.exec(url.pathname);
    if (!m || m[1] !== o.zoneId) return send(404, null, [{ code: 7003, message: "Could not route to this path" }]);
    const [, , id] = m;
    const isRecords = url.pathname.includes("/dns_records");
    if (!isRecords) return send(200, { id: o.zoneId, name: o.zoneName, status: "active", paused: false, type: "full" });
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const input = body ? JSON.parse(body) : {};
      const now = new Date().toISOString();
      const fqdn = (n: string) => (n === "@" ? o.zoneName : n.endsWith(o.zoneName) ? n : `${n}.${o.zoneName}`);
      const shape = (r: any) => ({ ...r, zone_id: o.zoneId, zone_name: o.zoneName, proxiable: true, locked: false, meta: { auto_added: false, managed_by_apps: false, managed_by_argo_tunnel: false }, tags: r.tags ?? [], comment: r.comment ?? null });
      if (!id && req.method === "GET") {
        const name = url.searchParams.get("name");
        return send(200, [...records.values()].filter((r) => !name || r.name === name).map(shape));
      }
      if (!id && req.method === "POST") {
        const r = { id: crypto.randomBytes(16).toString("hex"), type: input.type, name: fqdn(input.name), content: input.content, proxied: !!input.proxied, ttl: input.ttl ?? 1, created_on: now, modified_on: now, comment: input.comment, tags: input.tags };
        records.set(r.id, r);
        return send(200, shape(r));
      }
      const r = id ? records.get(id) : undefined;
      if (!r) return send(404, null, [{ code: 81044, message: "Record does not exist." }]);
      if (req.method === "GET") return send(200, shape(r));
      if (req.method === "PUT" || req.method === "PATCH") {
        const next = { ...r, ...input, name: input.name ? fqdn(input.name) : r.name, modified_on: now };
        records.set(id!, next);
        return send(200, shape(next));
      }
      if (req.method === "DELETE") {
        records.delete(id!);
        return send(200, { id });
      }
      send(405, null, [{ code: 10000, message: `${req.method} not supported` }]);
    });
  };
}
