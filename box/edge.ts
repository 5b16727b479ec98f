/**
 * The protected edge on loopback (Traefik's forward-auth in production): every request asks the
 * cluster for the outpost Service's ready endpoints (its EndpointSlices, as the endpoints controller
 * wrote them). With at least one ready endpoint the outpost answers: 302 to authentik's
 * /outpost.goauthentik.io/start. Without: the "Emergency Access" fallback, 401 with Basic auth and
 * `X-Auth-Fallback` (what verify-upgrade's step 6 and the alerts look for).
 */
import * as http from "http";
import { Kube } from "./kube";

export interface EdgeOptions {
  readonly kube: Kube;
  readonly namespace: string;
  readonly service: string;
  /** authentik's public host (authentik.<domain>). */
  readonly authentikHost: string;
}

export async function readyEndpoints(kube: Kube, namespace: string, service: string): Promise<string[]> {
  const list = await kube.get(`/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${service}`)}`);
  return (list.items ?? []).flatMap((s: any) => (s.endpoints ?? []).filter((e: any) => e.conditions?.ready !== false).flatMap((e: any) => e.addresses ?? []));
}

export function edge(o: EdgeOptions): http.RequestListener {
  return (req, res) => {
    const host = req.headers.host ?? "edge";
    const original = `https://${host.replace(/:\d+$/, "")}${req.url ?? "/"}`;
    readyEndpoints(o.kube, o.namespace, o.service).then(
      (ready) => {
        res.setHeader("x-box-outpost-endpoints", String(ready.length));
        if (ready.length > 0) {
          res.statusCode = 302;
          res.setHeader("location", `https://${o.authentikHost}/outpost.goauthentik.io/start?rd=${encodeURIComponent(original)}`);
          res.end();
        } else {
          res.statusCode = 401;
          res.setHeader("www-authenticate", 'Basic realm="Emergency Access"');
          res.setHeader("x-auth-fallback", "emergency-access: the outpost Service has no ready endpoints");
          res.end("401 Unauthorized\n");
        }
      },
      (e) => {
        res.statusCode = 502;
        res.end(`edge: cannot read the outpost endpoints: ${(e as Error).message}\n`);
      },
    );
  };
}
