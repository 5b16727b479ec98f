/**
 * The embedded proxy outpost record. Its config is typed; its Kubernetes JSON patches are built from
 * the stack config by typed helpers, and carry the two workarounds that broke silently before:
 *  - the Service selector patch (the 2026.2 controller selects the server pods for embedded outposts);
 *  - the postgres env appended from the release's existingSecret (the PostgreSQL session store).
 * `managed` is deliberately absent: the server sets it, and Terraform must never write it (AK004).
 */
import { Construct } from "constructs";
import { Token } from "cdktf";
import { Outpost } from "../.gen/providers/authentik/outpost";
import { DEV_SHM, OUTPOST_COMPONENT_LABEL, OUTPOST_POSTGRES_ENV, OutpostConfig } from "../config";
import {
  JsonPatchOp,
  addPodLabel,
  appendEnvFromSecret,
  replaceServiceSelector,
  setContainerResources,
  setContainerVolumeMounts,
  setPodVolumes,
} from "../lib/json-patch";
import { tfJsonEncode } from "../lib/tf-json";
import { pinAddress } from "../lib/state-address";

/** The outpost config object as authentik stores it (Kubernetes service connection). */
export interface OutpostConfigObject {
  readonly log_level: string;
  readonly docker_labels: null;
  readonly authentik_host: string;
  readonly docker_network: null;
  readonly container_image: string | null;
  readonly docker_map_ports: boolean;
  readonly refresh_interval: string;
  readonly kubernetes_replicas: number;
  readonly kubernetes_namespace: string;
  readonly authentik_host_browser: string;
  readonly object_naming_template: string;
  readonly authentik_host_insecure: boolean;
  readonly kubernetes_service_type: string;
  readonly kubernetes_ingress_path_type: string | null;
  readonly kubernetes_image_pull_secrets: readonly string[];
  readonly kubernetes_ingress_class_name: string | null;
  readonly kubernetes_disabled_components: readonly string[];
  readonly kubernetes_ingress_annotations: Readonly<Record<string, string>>;
  readonly kubernetes_ingress_secret_name: string;
  readonly kubernetes_httproute_annotations: Readonly<Record<string, string>>;
  readonly kubernetes_httproute_parent_refs: readonly unknown[];
  readonly kubernetes_json_patches: { readonly deployment: readonly JsonPatchOp[]; readonly service: readonly JsonPatchOp[] };
}

/** Facts the outpost's config and patches are built from; the stack derives them once (config/derive.ts). */
export interface OutpostSettings {
  /** The outpost record's settings (replicas, ports, /dev/shm, resources, log level...). @default - required */
  readonly outpost: OutpostConfig;
  /** Namespace the controller deploys the outpost into. @default - required */
  readonly namespace: string;
  /** https://authentik.<domain> (the outpost's authentik_host, with a trailing '/'). @default - required */
  readonly authentikUrl: string;
  /** The labels the controller puts on the outpost pods; the Service patch selects exactly these. @default - required */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The Secret holding AUTHENTIK_POSTGRESQL__* (the release's authentik.existingSecret). @default - required */
  readonly postgresSecretName: string;
}

/** The deployment patches: /dev/shm, resources, component label, postgres env. */
export function deploymentPatches(o: OutpostConfig, postgresSecretName: string): JsonPatchOp[] {
  return [
    setPodVolumes([{ name: DEV_SHM.volume, emptyDir: { medium: "Memory", sizeLimit: o.shmSizeLimit } }]),
    setContainerVolumeMounts(0, [{ name: DEV_SHM.volume, mountPath: DEV_SHM.mountPath }]),
    setContainerResources(0, { limits: { memory: o.memoryLimit }, requests: { cpu: o.cpuRequest, memory: o.memoryRequest } }),
    addPodLabel(OUTPOST_COMPONENT_LABEL.key, OUTPOST_COMPONENT_LABEL.value),
    ...OUTPOST_POSTGRES_ENV.map((name) => appendEnvFromSecret(0, name, postgresSecretName)),
  ];
}

/** The full config object for the outpost record. */
export function outpostConfigObject(s: OutpostSettings): OutpostConfigObject {
  const o = s.outpost;
  return {
    log_level: o.logLevel,
    docker_labels: null,
    authentik_host: `${s.authentikUrl}/`,
    docker_network: null,
    container_image: null,
    docker_map_ports: true,
    refresh_interval: o.refreshInterval,
    kubernetes_replicas: o.replicas,
    kubernetes_namespace: s.namespace,
    authentik_host_browser: "",
    object_naming_template: o.objectNamingTemplate,
    authentik_host_insecure: false,
    kubernetes_service_type: o.serviceType,
    kubernetes_ingress_path_type: null,
    kubernetes_image_pull_secrets: [],
    kubernetes_ingress_class_name: null,
    kubernetes_disabled_components: [],
    kubernetes_ingress_annotations: {},
    kubernetes_ingress_secret_name: o.ingressSecretName,
    kubernetes_httproute_annotations: {},
    kubernetes_httproute_parent_refs: [],
    kubernetes_json_patches: {
      deployment: deploymentPatches(o, s.postgresSecretName),
      service: [replaceServiceSelector(s.podLabels)],
    },
  };
}

export interface EmbeddedOutpostProps extends OutpostSettings {
  /** IDs (references) of the proxy providers the outpost serves. @default - required */
  readonly protocolProviders: readonly string[];
  /** Name of the Service/Deployment the controller renders (derived from the naming template). @default - required */
  readonly objectName: string;
}

export class EmbeddedOutpost extends Construct {
  /** Name of the Service/Deployment the controller renders. */
  readonly serviceName: string;
  readonly configObject: OutpostConfigObject;
  readonly outpost: Outpost;

  constructor(scope: Construct, id: string, props: EmbeddedOutpostProps) {
    super(scope, id);
    this.serviceName = props.objectName;
    this.configObject = outpostConfigObject(props);
    this.outpost = pinAddress(
      new Outpost(this, "outpost", {
        name: props.outpost.name,
        type: props.outpost.type,
        protocolProviders: props.protocolProviders.map((p) => Token.asNumber(p)),
        serviceConnection: props.outpost.serviceConnectionId,
        config: tfJsonEncode(this.configObject),
      }),
      "embedded",
    );
  }
}
