/**
 * What a fresh authentik 2026.2 server already holds that the stack refers to or adopts, as the loopback
 * API's seed ({"objects": {collection: [...]}}): the default flows the proxy provider looks up by slug,
 * the default login stage, the local Kubernetes service connection (with the config's UUID) and the
 * embedded outpost authentik creates itself (`managed: goauthentik.io/outposts/embedded`, the config's
 * UUID, no providers and no service connection yet; its config as default_outpost_config() has it). The stack imports the stage
 * and the outpost (they exist in every authentik) and creates everything else.
 */
import * as crypto from "crypto";
import { StackConfig, deriveNames } from "../config";
import { IdentityConfig } from "../config/identity";
import { EMBEDDED_OUTPOST } from "./authentik-client";

export function authentikSeed(c: StackConfig, identity: IdentityConfig = c.identity): { objects: Record<string, unknown[]> } {
  const n = deriveNames(c);
  const flow = (slug: string, designation: string, name: string) => ({ pk: crypto.randomUUID(), slug, name, title: name, designation });
  return {
    objects: {
      "/flows/instances/": [
        flow("default-authentication-flow", "authentication", "Welcome to authentik!"),
        flow(c.catchAll.authorizationFlowSlug, "authorization", "Authorize Application"),
        flow(c.catchAll.invalidationFlowSlug, "invalidation", "Logged out of application"),
        // what the identity layer only looks up (never manages): the passkey flow and the social sources,
        // created by the operator in the UI before the stack ran (their client secrets are random per box)
        flow(identity.enrollment.stages.identification.passwordlessFlowSlug, "authentication", "Passkey login"),
      ],
      "/sources/oauth/": identity.enrollment.stages.identification.sourceSlugs.map((slug: string) => ({
        name: slug,
        slug,
        provider_type: slug,
        consumer_key: crypto.randomBytes(8).toString("hex"),
        consumer_secret: crypto.randomBytes(16).toString("hex"),
      })),
      "/stages/user_login/": [{ pk: crypto.randomUUID(), name: c.loginStage.name, session_duration: "seconds=0" }],
      "/outposts/service_connections/kubernetes/": [{ pk: c.outpost.serviceConnectionId, name: "Local Kubernetes Cluster", local: true, kubeconfig: {}, verify_ssl: true }],
      "/outposts/instances/": [
        {
          pk: c.outpost.uuid,
          name: c.outpost.name,
          type: c.outpost.type,
          providers: [],
          // not yet connected: the stack sets the service connection together with the config and its
          // patches, so the controller never renders the outpost without them
          service_connection: null,
          managed: EMBEDDED_OUTPOST,
          config: {
            log_level: "info",
            docker_labels: null,
            authentik_host: `${n.authentikUrl}/`,
            docker_network: null,
            container_image: null,
            docker_map_ports: true,
            refresh_interval: "minutes=5",
            kubernetes_replicas: 1,
            kubernetes_namespace: c.namespace,
            authentik_host_browser: "",
            object_naming_template: c.outpost.objectNamingTemplate,
            authentik_host_insecure: false,
            kubernetes_json_patches: null,
            kubernetes_service_type: "ClusterIP",
            kubernetes_image_pull_secrets: [],
            kubernetes_ingress_class_name: null,
            kubernetes_disabled_components: [],
            kubernetes_ingress_annotations: {},
            kubernetes_ingress_secret_name: "authentik-outpost-tls",
          },
        },
      ],
    },
  };
}

/**
 * The adoption file's imports for what the seed holds and the stack manages: the default login stage and
 * the embedded outpost (addresses as the stack pins them), by the seeded objects' UUIDs.
 */
export function seedAdoption(seed: { objects: Record<string, unknown[]> }): Record<string, string> {
  const pk = (collection: string) => String((seed.objects[collection][0] as { pk: string }).pk);
  return {
    "authentik_stage_user_login.default_login": pk("/stages/user_login/"),
    "authentik_outpost.embedded": pk("/outposts/instances/"),
  };
}
