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
import { DerivedNames, LABELS, OUTPOST_POSTGRES_ENV, StackConfig, deriveNames } from "../config";
import { SERVER_POD_LABELS } from "../model/outpost-controller";
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
import { pinAddress } from "./address";

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

/** The component label the controller's embedded-outpost selector carries (and the pods need). */
export const COMPONENT_LABEL = { key: LABELS.component, value: SERVER_POD_LABELS[LABELS.component] } as const;

/** The deployment patches: /dev/shm, resources, component label, postgres env. */
export function deploymentPatches(c: StackConfig, postgresSecretName: string): JsonPatchOp[] {
  const o = c.outpost;
  return [
    setPodVolumes([{ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: o.shmSizeLimit } }]),
    setContainerVolumeMounts(0, [{ name: "dshm", mountPath: "/dev/shm" }]),
    setContainerResources(0, { limits: { memory: o.memoryLimit }, requests: { cpu: o.cpuRequest, memory: o.memoryRequest } }),
    addPodLabel(COMPONENT_LABEL.key, COMPONENT_LABEL.value),
    ...OUTPOST_POSTGRES_ENV.map((name) => appendEnvFromSecret(0, name, postgresSecretName)),
  ];
}

/** The full config object for the outpost record. */
export function outpostConfigObject(c: StackConfig, names: DerivedNames, postgresSecretName: string): OutpostConfigObject {
  const o = c.outpost;
  return {
    log_level: o.logLevel,
    docker_labels: null,
    authentik_host: `${names.authentikUrl}/`,
    docker_network: null,
    container_image: null,
    docker_map_ports: true,
    refresh_interval: o.refreshInterval,
    kubernetes_replicas: o.replicas,
    kubernetes_namespace: c.namespace,
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
      deployment: deploymentPatches(c, postgresSecretName),
      service: [replaceServiceSelector(names.outpostPodLabels)],
    },
  };
}

export interface EmbeddedOutpostProps {
  readonly config: StackConfig;
  /** IDs (references) of the proxy providers the outpost serves. */
  readonly protocolProviders: readonly string[];
  /** The Secret holding AUTHENTIK_POSTGRESQL__* (the release's authentik.existingSecret). */
  readonly postgresSecretName: string;
}

export class EmbeddedOutpost extends Construct {
  /** Name of the Service/Deployment the controller renders. */
  readonly serviceName: string;
  /** Labels on the outpost pods (what the Service must select). */
  readonly podLabels: Readonly<Record<string, string>>;
  readonly configObject: OutpostConfigObject;
  readonly outpost: Outpost;

  constructor(scope: Construct, id: string, props: EmbeddedOutpostProps) {
    super(scope, id);
    const c = props.config;
    const names = deriveNames(c);
    this.serviceName = names.outpostObjectName;
    this.podLabels = names.outpostPodLabels;
    this.configObject = outpostConfigObject(c, names, props.postgresSecretName);
    this.outpost = pinAddress(
      new Outpost(this, "outpost", {
        name: c.outpost.name,
        type: c.outpost.type,
        protocolProviders: props.protocolProviders.map((p) => Token.asNumber(p)),
        serviceConnection: c.outpost.serviceConnectionId,
        config: tfJsonEncode(this.configObject),
      }),
      "embedded",
    );
    // The record's UUID is not a Terraform attribute; carry it as a JSON comment ("//", ignored by
    // Terraform) so guards can check the selector's outpost-uuid against it.
    this.outpost.addOverride("//.authentik_stack.outpost_uuid", c.outpost.uuid);
  }
}
