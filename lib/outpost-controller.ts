/**
 * What authentik's outpost controller (Kubernetes service connection, goauthentik 2026.2.x) renders for
 * an outpost before its kubernetes_json_patches apply: the Deployment and the Service. Modelled on the
 * controller's reconcilers (see ../shared/reference/outpost-controller-objects.yaml, checked in a test),
 * including the embedded-outpost selector bug (selects the server pods).
 */
import { outpostObjectName, slugify } from "./config";

export interface ControllerInput {
  readonly name: string;
  readonly type: string;
  /** 32-hex or dashed; labels use 32-hex. */
  readonly uuid: string;
  readonly namespace: string;
  readonly objectNamingTemplate: string;
  readonly replicas: number;
  readonly version: string;
  readonly embedded: boolean;
}

/** Ports of a proxy outpost, fixed by the controller. */
export const PROXY_PORTS = [
  { name: "http", port: 9000 },
  { name: "http-metrics", port: 9300 },
  { name: "https", port: 9443 },
] as const;

/** The labels the controller puts on outpost pods ("pod meta"). */
export function controllerPodLabels(i: Pick<ControllerInput, "name" | "type" | "uuid">): Record<string, string> {
  return {
    "app.kubernetes.io/name": `authentik-outpost-${i.type}`,
    "app.kubernetes.io/managed-by": "goauthentik.io",
    "goauthentik.io/outpost-uuid": i.uuid.replace(/-/g, ""),
    "goauthentik.io/outpost-name": slugify(i.name),
    "goauthentik.io/outpost-type": i.type,
  };
}

/** The labels the authentik server pods carry (what the buggy embedded selector selects). */
export const SERVER_POD_LABELS = { "app.kubernetes.io/name": "authentik", "app.kubernetes.io/component": "server" } as const;

export function renderControllerObjects(i: ControllerInput): { deployment: any; service: any } {
  const name = outpostObjectName({ name: i.name, objectNamingTemplate: i.objectNamingTemplate });
  const meta = controllerPodLabels(i);
  const secretEnv = (env: string, key: string) => ({ name: env, valueFrom: { secretKeyRef: { name, key } } });
  const deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: i.namespace, labels: { ...meta } },
    spec: {
      replicas: i.replicas,
      selector: { matchLabels: { ...meta } },
      template: {
        metadata: { labels: { ...meta, "app.kubernetes.io/version": i.version, app: "authentik-outpost", version: i.version } },
        spec: {
          securityContext: { seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name: i.type,
              image: `ghcr.io/goauthentik/${i.type}:${i.version}`,
              ports: PROXY_PORTS.map((p) => ({ containerPort: p.port, name: p.name, protocol: "TCP" })),
              env: [
                secretEnv("AUTHENTIK_HOST", "authentik_host"),
                secretEnv("AUTHENTIK_HOST_BROWSER", "authentik_host_browser"),
                secretEnv("AUTHENTIK_TOKEN", "token"),
                secretEnv("AUTHENTIK_INSECURE", "authentik_host_insecure"),
              ],
              securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            },
          ],
        },
      },
    },
  };
  const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: i.namespace, labels: { ...meta } },
    spec: {
      type: "ClusterIP",
      selector: i.embedded ? { ...SERVER_POD_LABELS } : { ...meta },
      ports: PROXY_PORTS.map((p) => ({ name: p.name, port: p.port, protocol: "TCP", targetPort: p.port })),
    },
  };
  return { deployment, service };
}
