/**
 * What the OpenAPI description cannot say: the server-side model defaults a created object gets for the
 * fields a client leaves out, which fields are unique, and the values of computed read-only fields.
 * Each entry is read from authentik's model source (goauthentik/authentik, 2026.2 line; file named per
 * entry). Fields not listed get their type's empty value (nullable -> null, string "", list [], ...), which
 * is what authentik's blank=True text fields hold; schemas not listed here have not been read.
 */

/** Model defaults by response schema name. */
export const MODEL_DEFAULTS: Record<string, Record<string, unknown>> = {
  // authentik/providers/proxy/models.py ProxyProvider(OutpostModel, OAuth2Provider) and
  // authentik/providers/oauth2/models.py OAuth2Provider
  ProxyProvider: {
    internal_host: "",
    internal_host_ssl_validation: true,
    mode: "proxy",
    skip_path_regex: "",
    intercept_header_auth: true,
    basic_auth_enabled: false,
    basic_auth_user_attribute: "",
    basic_auth_password_attribute: "",
    certificate: null,
    cookie_domain: "",
    access_token_validity: "hours=1",
    refresh_token_validity: "days=30",
    authentication_flow: null,
    property_mappings: [],
    jwt_federation_sources: [],
    jwt_federation_providers: [],
  },
  OAuth2Provider: {
    client_type: "confidential",
    include_claims_in_id_token: true,
    access_code_validity: "minutes=1",
    access_token_validity: "hours=1",
    refresh_token_validity: "days=30",
    sub_mode: "hashed_user_id",
    issuer_mode: "per_provider",
    signing_key: null,
    encryption_key: null,
    authentication_flow: null,
    property_mappings: [],
    jwt_federation_sources: [],
    jwt_federation_providers: [],
  },
  // authentik/stages/user_login/models.py
  UserLoginStage: {
    session_duration: "seconds=0",
    network_binding: "no_binding",
    geoip_binding: "no_binding",
    terminate_other_sessions: false,
    remember_me_offset: "seconds=0",
    // remember_device is newer than the model source readable here; "days=30" is the goauthentik
    // provider's default for it (v2026.2.1), which for every other field of this stage equals the model's
    remember_device: "days=30",
  },
  // authentik/stages/identification/models.py IdentificationStage
  IdentificationStage: {
    case_insensitive_matching: true,
    show_matched_user: true,
    pretend_user_exists: true,
    enable_remember_me: false,
    show_source_labels: false,
  },
  // authentik/stages/user_write/models.py UserWriteStage (user_type: UserTypes.EXTERNAL)
  UserWriteStage: {
    user_creation_mode: "create_when_required",
    create_users_as_inactive: false,
    user_type: "external",
    user_path_template: "",
  },
  // authentik/flows/models.py Flow (policy_engine_mode from PolicyBindingModel: "any")
  Flow: {
    layout: "stacked",
    background: "",
    compatibility_mode: false,
    denied_action: "message_continue",
    authentication: "none",
    policy_engine_mode: "any",
  },
  // authentik/flows/models.py FlowStageBinding
  FlowStageBinding: {
    evaluate_on_plan: false,
    re_evaluate_policies: true,
    invalid_response_action: "retry",
    policy_engine_mode: "any",
  },
  // authentik/policies/models.py PolicyBinding
  PolicyBinding: { enabled: true, negate: false, timeout: 30, failure_result: false, policy: null, group: null, user: null },
  // authentik/policies/reputation/models.py ReputationPolicy (execution_logging from Policy)
  ReputationPolicy: { check_ip: true, check_username: true, threshold: -5, execution_logging: false },
  ExpressionPolicy: { execution_logging: false },
  // authentik/stages/invitation/models.py Invitation (expires: see DYNAMIC_DEFAULTS)
  Invitation: { single_use: false, fixed_data: {}, flow: null },
  InvitationStage: { continue_flow_without_invitation: false },
  // authentik/core/models.py Application (policy_engine_mode from PolicyBindingModel), Group, User
  // (is_active from Django's AbstractUser; path "users" and type "internal" from authentik's User)
  Application: { policy_engine_mode: "any", open_in_new_tab: false, provider: null, backchannel_providers: [] },
  Group: { is_superuser: false, attributes: {}, parents: [], users: [], roles: [] },
  User: { is_active: true, path: "users", type: "internal", attributes: {}, last_login: null },
  // authentik/outposts/models.py Outpost
  Outpost: {
    type: "proxy",
    service_connection: null,
    managed: null,
  },
};

/**
 * Defaults computed when an object is created: an Invitation is an ExpiringModel whose `expires`
 * defaults to now + the tenant's default_token_duration (authentik/core/models.py default_token_duration;
 * DEFAULT_TOKEN_DURATION "minutes=30").
 */
export const DYNAMIC_DEFAULTS: Record<string, () => Record<string, unknown>> = {
  Invitation: () => ({ expires: new Date(Date.now() + 30 * 60_000).toISOString() }),
};

/**
 * authentik/outposts/models.py OutpostConfig: field types (dacite checks them in the serializer's
 * validate_config) and defaults (default_outpost_config(), served by /outposts/instances/default_settings/;
 * log_level is CONFIG log_level, kubernetes_namespace the pod's namespace).
 */
export const OUTPOST_CONFIG_FIELDS: Record<string, { type: "str" | "bool" | "int" | "dict" | "list"; optional?: boolean; default: unknown }> = {
  authentik_host: { type: "str", default: "" },
  authentik_host_insecure: { type: "bool", default: false },
  authentik_host_browser: { type: "str", default: "" },
  log_level: { type: "str", default: "info" },
  object_naming_template: { type: "str", default: "ak-outpost-%(name)s" },
  refresh_interval: { type: "str", default: "minutes=5" },
  container_image: { type: "str", optional: true, default: null },
  docker_network: { type: "str", optional: true, default: null },
  docker_map_ports: { type: "bool", default: true },
  docker_labels: { type: "dict", optional: true, default: null },
  kubernetes_replicas: { type: "int", default: 1 },
  kubernetes_namespace: { type: "str", default: "default" },
  kubernetes_ingress_annotations: { type: "dict", default: {} },
  kubernetes_ingress_secret_name: { type: "str", default: "authentik-outpost-tls" },
  kubernetes_ingress_class_name: { type: "str", optional: true, default: null },
  kubernetes_ingress_path_type: { type: "str", optional: true, default: null },
  kubernetes_httproute_annotations: { type: "dict", default: {} },
  kubernetes_httproute_parent_refs: { type: "list", default: [] },
  kubernetes_service_type: { type: "str", default: "ClusterIP" },
  kubernetes_disabled_components: { type: "list", default: [] },
  kubernetes_image_pull_secrets: { type: "list", default: [] },
  kubernetes_json_patches: { type: "dict", optional: true, default: null },
};

/** authentik/outposts/apps.py */
export const MANAGED_OUTPOST = "goauthentik.io/outposts/embedded";
export const MANAGED_OUTPOST_NAME = "authentik Embedded Outpost";

/**
 * Unique model fields (DRF's UniqueValidator message: "<model verbose name> with this <field> already
 * exists."), by collection family: a stage name is unique across every stage type, and so on.
 */
export const UNIQUE_FIELDS: Array<{ pathPrefix: string; field: string; message: string }> = [
  { pathPrefix: "/outposts/instances/", field: "name", message: "outpost with this name already exists." },
  { pathPrefix: "/flows/instances/", field: "slug", message: "flow with this slug already exists." },
  { pathPrefix: "/core/applications/", field: "slug", message: "application with this slug already exists." },
  { pathPrefix: "/core/users/", field: "username", message: "user with this username already exists." },
  { pathPrefix: "/providers/", field: "name", message: "provider with this name already exists." },
  { pathPrefix: "/stages/invitation/invitations/", field: "", message: "" },
  { pathPrefix: "/stages/prompt/prompts/", field: "", message: "" },
  { pathPrefix: "/stages/", field: "name", message: "stage with this name already exists." },
  { pathPrefix: "/policies/bindings/", field: "", message: "" },
  { pathPrefix: "/policies/", field: "name", message: "policy with this name already exists." },
  { pathPrefix: "/sources/", field: "slug", message: "source with this slug already exists." },
];

/** `component` values (each model's `component` property). */
export const COMPONENTS: Record<string, string> = {
  ProxyProvider: "ak-provider-proxy-form",
  OAuth2Provider: "ak-provider-oauth2-form",
  UserLoginStage: "ak-stage-user-login-form",
  ReputationPolicy: "ak-policy-reputation-form",
  InvitationStage: "ak-stage-invitation-form",
};
