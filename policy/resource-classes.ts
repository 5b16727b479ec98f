/**
 * What each resource type is to the policy. A type missing here can't be judged, so PL006 refuses it:
 * adding a resource type to the stack means deciding here whether destroying it loses state.
 */

export interface ResourceClass {
  /** Destroying it loses data, identity or live traffic that a re-create does not restore. */
  readonly stateful: boolean;
  /** Why, for the refusal message. */
  readonly why: string;
}

const STATEFUL_KUBERNETES: Record<string, string> = {
  namespace: "deleting a namespace deletes every object in it, including what this stack does not manage",
  secret: "a Secret holds credentials or TLS keys that workloads read at start; a re-created one may differ or arrive after pods restarted",
  persistent_volume_claim: "a PersistentVolumeClaim's deletion can delete its volume and the data on it",
  persistent_volume: "a PersistentVolume holds data; with the Delete reclaim policy it is gone for good",
};

const STATELESS_KUBERNETES: Record<string, string> = {
  config_map: "configuration, re-created from the stack",
  service: "a Service is re-created from the stack (its ClusterIP changes)",
  deployment: "pods are re-created from the stack",
  ingress: "routing, re-created from the stack",
  resource_quota: "a quota, re-created from the stack",
  pod_disruption_budget: "a disruption budget, re-created from the stack",
};

function kubernetesClass(type: string): ResourceClass | undefined {
  const m = /^kubernetes_(.+?)(_v[12])?$/.exec(type);
  if (!m) return undefined;
  if (m[1] in STATEFUL_KUBERNETES) return { stateful: true, why: STATEFUL_KUBERNETES[m[1]] };
  if (m[1] in STATELESS_KUBERNETES) return { stateful: false, why: STATELESS_KUBERNETES[m[1]] };
  return undefined;
}

/** The class of a managed resource type, or undefined when the policy doesn't know it. */
export function resourceClass(type: string): ResourceClass | undefined {
  if (type.startsWith("authentik_")) {
    return { stateful: true, why: "an authentik object is identity: re-creating it gives it a new primary key, so sessions, bindings, tokens and outpost assignments that point at the old one break" };
  }
  if (type === "helm_release") {
    return { stateful: true, why: "destroying a Helm release uninstalls every object the chart installed (the server and worker Deployments, Services, RBAC): authentik is down until a re-install finishes, and the install runs database migrations" };
  }
  if (type === "cloudflare_record") return { stateful: false, why: "a DNS record, re-created from the stack" };
  return kubernetesClass(type);
}
