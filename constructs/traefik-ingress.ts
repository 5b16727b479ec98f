/**
 * The part of the repo's ingress factory these ingresses use: a Traefik ingress (middleware chain,
 * entrypoint, TLS, one path to one backend), its homepage and controller annotations, and, for
 * proxied hosts, the Cloudflare DNS record through the tunnel.
 */
import { Construct } from "constructs";
import { IngressV1 } from "@cdktf/provider-kubernetes/lib/ingress-v1";
import { Record as CloudflareRecord } from "../.gen/providers/cloudflare/record";
import { IngressConfig } from "../config";
import { pinAddress } from "../lib/state-address";

/** The factory's middlewares, in the order Traefik applies them. */
export const MIDDLEWARE_ORDER = ["retry", "error-pages", "rate-limit", "csp-headers", "crowdsec"] as const;
export type Middleware = (typeof MIDDLEWARE_ORDER)[number];

/** The factory's default chain: every middleware but crowdsec. */
export const DEFAULT_MIDDLEWARES: readonly Middleware[] = MIDDLEWARE_ORDER.filter((m) => m !== "crowdsec");

/** Homepage (gethomepage.dev) dashboard entry. */
export interface HomepageEntry {
  /** Display name. */
  readonly name: string;
  /** Icon file. */
  readonly icon: string;
  /** One-line description. @default - none */
  readonly description?: string;
  /** Pod selector for status; "" disables it. @default - not set */
  readonly podSelector?: string;
  /** Widget settings (type, url, key...); values may be Terraform references. @default - no widget */
  readonly widget?: Readonly<Record<string, string>>;
}

/** DNS through the Cloudflare tunnel, for proxied hosts. */
export interface TunnelDns {
  /** Cloudflare zone id. */
  readonly zoneId: string;
  /** The base domain the record name is relative to. */
  readonly domain: string;
  /** CNAME target, `<tunnel id>.cfargotunnel.com`. */
  readonly target: string;
}

export interface TraefikIngressProps {
  /** The repo's ingress factory settings (class, entrypoint, middleware namespace, homepage group, annotation domain). @default - required */
  readonly factory: IngressConfig;
  /** Ingress name. @default - required */
  readonly name: string;
  /** Namespace reference. @default - required */
  readonly namespace: string;
  /** Host, e.g. authentik.example.org. @default - required */
  readonly host: string;
  /** Path routed to the backend. @default "/" */
  readonly path?: string;
  /** Backend service name and port. @default - required */
  readonly backend: { readonly service: string; readonly port: number };
  /** TLS secret name (reference or literal). @default - required */
  readonly tlsSecretName: string;
  /** Middlewares to chain, in any order (applied in MIDDLEWARE_ORDER). @default DEFAULT_MIDDLEWARES (all but crowdsec) */
  readonly middlewares?: readonly Middleware[];
  /** Homepage entry. @default - none */
  readonly homepage?: HomepageEntry;
  /** Publish DNS through the Cloudflare tunnel, proxied (annotation + record). @default - no DNS record */
  readonly proxiedDns?: TunnelDns;
  /** Watched by the external uptime monitor. @default false */
  readonly externalMonitor?: boolean;
  /** State addresses: the ingress's, and the DNS record's when proxiedDns. @default - required */
  readonly address: { readonly ingress: string; readonly ingressMovedFrom?: string; readonly dns?: string; readonly dnsMovedFrom?: string };
}

/** The router.middlewares annotation value for a set of middlewares. */
export function middlewareAnnotation(middlewareNamespace: string, wanted: readonly Middleware[]): string {
  for (const m of wanted) {
    if (!MIDDLEWARE_ORDER.includes(m)) throw new Error(`unknown middleware '${m}'; allowed: ${MIDDLEWARE_ORDER.join(", ")}`);
  }
  return MIDDLEWARE_ORDER.filter((m) => wanted.includes(m))
    .map((m) => `${middlewareNamespace}-${m}@kubernetescrd`)
    .join(",");
}

export class TraefikIngress extends Construct {
  readonly ingress: IngressV1;
  readonly dnsRecord?: CloudflareRecord;

  constructor(scope: Construct, id: string, props: TraefikIngressProps) {
    super(scope, id);
    const c = props.factory;
    const ann: Record<string, string> = {
      "traefik.ingress.kubernetes.io/router.middlewares": middlewareAnnotation(c.middlewareNamespace, props.middlewares ?? DEFAULT_MIDDLEWARES),
      "traefik.ingress.kubernetes.io/router.entrypoints": c.entrypoint,
    };
    if (props.homepage) {
      const h = props.homepage;
      ann["gethomepage.dev/enabled"] = "true";
      ann["gethomepage.dev/name"] = h.name;
      ann["gethomepage.dev/group"] = c.homepageGroup;
      ann["gethomepage.dev/href"] = `https://${props.host}`;
      ann["gethomepage.dev/icon"] = h.icon;
      if (h.description !== undefined) ann["gethomepage.dev/description"] = h.description;
      if (h.podSelector !== undefined) ann["gethomepage.dev/pod-selector"] = h.podSelector;
      for (const [k, v] of Object.entries(h.widget ?? {})) ann[`gethomepage.dev/widget.${k}`] = v;
    }
    if (props.proxiedDns) ann[`cloudflare.${c.annotationDomain}/dns-type`] = "proxied";
    if (props.externalMonitor) ann[`uptime.${c.annotationDomain}/external-monitor`] = "true";

    this.ingress = pinAddress(
      new IngressV1(this, "ingress", {
        metadata: { name: props.name, namespace: props.namespace, annotations: ann },
        spec: {
          ingressClassName: c.className,
          tls: [{ hosts: [props.host], secretName: props.tlsSecretName }],
          rule: [
            {
              host: props.host,
              http: {
                path: [
                  {
                    path: props.path ?? "/",
                    backend: { service: { name: props.backend.service, port: { number: props.backend.port } } },
                  },
                ],
              },
            },
          ],
        },
      }),
      props.address.ingress,
      props.address.ingressMovedFrom,
    );

    if (props.proxiedDns) {
      const dns = props.proxiedDns;
      const sub = props.host.endsWith(`.${dns.domain}`) ? props.host.slice(0, -(dns.domain.length + 1)) : props.host;
      this.dnsRecord = pinAddress(
        new CloudflareRecord(this, "dns", {
          name: sub,
          content: dns.target,
          proxied: true,
          ttl: 1,
          type: "CNAME",
          zoneId: dns.zoneId,
          allowOverwrite: true,
        }),
        props.address.dns ?? props.address.ingress,
        props.address.dnsMovedFrom,
      );
    }
  }
}
