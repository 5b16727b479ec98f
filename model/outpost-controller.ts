/**
 * What authentik's outpost controller (Kubernetes service connection, goauthentik 2026.2.x) renders for
 * an outpost before its kubernetes_json_patches apply: the Deployment and the Service. Modelled on the
 * controller's reconcilers (see ../shared/reference/outpost-controller-objects.yaml, checked in a test),
 * including the embedded-outpost selector bug (selects the server pods).
 */
import { DEFAULT_CONFIG, OutpostConfig, SERVER_POD_LABELS, outpostObjectName, outpostPodLabels } from "../config";
import { PatchFailure, applyInOrder } from "./json-patch";

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
  /** The outpost's ports. @default - the config's defaults (the controller's fixed proxy ports) */
  readonly ports?: OutpostConfig["ports"];
}

/** The port names the controller gives a proxy outpost's ports. */
function namedPorts(p: OutpostConfig["ports"]) {
  return [
    { name: "http", port: p.http },
    { name: "http-metrics", port: p.metrics },
    { name: "https", port: p.https },
  ];
}

export function renderControllerObjects(i: ControllerInput): { deployment: any; service: any } {
  const name = outpostObjectName({ name: i.name, objectNamingTemplate: i.objectNamingTemplate });
  const meta = outpostPodLabels(i);
  const ports = namedPorts(i.ports ?? DEFAULT_CONFIG.outpost.ports);
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
              ports: ports.map((p) => ({ containerPort: p.port, name: p.name, protocol: "TCP" })),
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
      ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: "TCP", targetPort: p.port })),
    },
  };
  return { deployment, service };
}

/** The rendered objects after the outpost's kubernetes_json_patches applied in order, and what did not apply. */
export interface PatchedObjects {
  readonly deployment: any;
  readonly service: any;
  /** What the controller rendered, before any patch. */
  readonly before: { readonly deployment: any; readonly service: any };
  /** Patches that did not apply, by object kind. */
  readonly failures: Array<PatchFailure & { readonly kind: "deployment" | "service" }>;
}

/** What the cluster holds for an outpost: the controller's objects with the record's patches applied in order. */
export function renderPatchedObjects(i: ControllerInput, patches: { readonly deployment: readonly unknown[]; readonly service: readonly unknown[] }): PatchedObjects {
  const before = renderControllerObjects(i);
  const d = applyInOrder(before.deployment, patches.deployment);
  const s = applyInOrder(before.service, patches.service);
  return {
    before,
    deployment: d.result,
    service: s.result,
    failures: [...d.failures.map((f) => ({ ...f, kind: "deployment" as const })), ...s.failures.map((f) => ({ ...f, kind: "service" as const }))],
  };
}
