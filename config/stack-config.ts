/**
 * The one source of truth for the authentik stack. Every fact is declared once here, with today's live
 * value as its default (DEFAULT_CONFIG in defaults.ts, from ../shared/reference/live-stack.yaml, 2026-05-10); every name, label, matcher and
 * expectation elsewhere is derived from it by {@link deriveNames}.
 */
import { IdentityConfig } from "./identity";

/** The embedded proxy outpost record and the Kubernetes objects its controller renders. */
export interface OutpostConfig {
  /** Outpost record name; slugified into the Kubernetes object names. @default "authentik Embedded Outpost" */
  readonly name: string;
  /** The outpost record's UUID, dashed form (the pod labels use it without dashes). @default "0eecac07-97c7-443c-8925-05f2f4fe3e47" */
  readonly uuid: string;
  /** Outpost type; decides the pod label `authentik-outpost-<type>` and the container name. @default "proxy" */
  readonly type: "proxy";
  /** Kubernetes service connection (UUID) the controller deploys through. @default "99e227a7-4562-4888-9660-4c27da678c50" */
  readonly serviceConnectionId: string;
  /** authentik's object naming template; `%(name)s` is the slugified outpost name. @default "ak-outpost-%(name)s" */
  readonly objectNamingTemplate: string;
  /** Pod count the controller runs (`kubernetes_replicas`). @default 1 */
  readonly replicas: number;
  /** Outpost log level. @default "trace" */
  readonly logLevel: string;
  /** How often the outpost refreshes its config, authentik duration. @default "minutes=5" */
  readonly refreshInterval: string;
  /** Container ports of a proxy outpost. @default { http: 9000, metrics: 9300, https: 9443 } */
  readonly ports: { readonly http: number; readonly metrics: number; readonly https: number };
  /** Size of the memory-backed /dev/shm emptyDir. @default "2Gi" */
  readonly shmSizeLimit: string;
  /** Container memory limit; must exceed shmSizeLimit (tmpfs counts against the cgroup). @default "2560Mi" */
  readonly memoryLimit: string;
  /** Container CPU request. @default "100m" */
  readonly cpuRequest: string;
  /** Container memory request. @default "128Mi" */
  readonly memoryRequest: string;
  /** Service type the controller renders. @default "ClusterIP" */
  readonly serviceType: string;
  /** TLS secret the outpost's own ingress uses. @default "authentik-outpost-tls" */
  readonly ingressSecretName: string;
}

/** One proxy provider and its application (the catch-all, or extra ones). */
export interface ProxyApplicationConfig {
  /** Terraform resource name (the state address suffix); required, unique. @default - required (catch-all: "catchall") */
  readonly resourceName: string;
  /** Provider name in authentik. @default - required (catch-all: "Provider for Domain wide catch all") */
  readonly providerName: string;
  /** Application name in authentik. @default - required (catch-all: "Domain wide catch all") */
  readonly applicationName: string;
  /** Application slug; unique. @default - required (catch-all: "domain-wide-catch-all") */
  readonly slug: string;
  /** Proxy mode. @default "forward_domain" */
  readonly mode: "forward_domain" | "forward_single" | "proxy";
  /** Cookie/session lifetime, authentik duration; drives the proxy-session `expires`. @default "weeks=4" */
  readonly accessTokenValidity: string;
}

/** The catch-all forward-auth provider: a proxy application plus the flows it uses. */
export interface CatchAllConfig extends ProxyApplicationConfig {
  /** Slug of the authorization flow (looked up by a data source). @default "default-provider-authorization-implicit-consent" */
  readonly authorizationFlowSlug: string;
  /** Slug of the invalidation flow (looked up by a data source). @default "default-provider-invalidation-flow" */
  readonly invalidationFlowSlug: string;
}

/** Terraform state backend (PostgreSQL); the connection string comes from PG_CONN_STR. */
export interface BackendConfig {
  /** PostgreSQL schema holding this stack's state. @default "authentik" */
  readonly schemaName: string;
}

/** Vault: where secrets are read at plan time (KV v2 data sources). */
export interface VaultConfig {
  /** Vault server URL. @default "https://vault.viktorbarzin.me" */
  readonly address: string;
  /** KV v2 mount. @default "secret" */
  readonly mount: string;
  /** KV path of the shared platform secrets (DB password, Cloudflare key, homepage token). @default "platform" */
  readonly platformPath: string;
  /** KV path of the authentik API token for Terraform. @default "authentik" */
  readonly authentikPath: string;
}

/** The goauthentik Helm release. */
export interface ReleaseConfig {
  /** Helm release name; also prefixes the server Deployment and Service (`<name>-server`). @default "goauthentik" */
  readonly name: string;
  /** Chart name in the repository. @default "authentik" */
  readonly chart: string;
  /** Chart repository URL. @default "https://charts.goauthentik.io/" */
  readonly repository: string;
  /** Chart version; the line an upgrade bumps (also the outpost image the controller renders). @default "2026.2.2" */
  readonly version: string;
  /** Roll back a failed upgrade (helm --atomic). @default true */
  readonly atomic: boolean;
  /** Helm operation timeout in seconds. @default 6000 */
  readonly timeoutSeconds: number;
  /** Let Helm create the namespace if missing. @default true */
  readonly createNamespace: boolean;
  /** The values file, relative to the repo root, sent verbatim as the release's values. @default "values/authentik.yaml" */
  readonly valuesFile: string;
}

/** The default login stage (authenticated session lifetime). */
export interface LoginStageConfig {
  /** Name of the existing stage Terraform manages. @default "default-authentication-login" */
  readonly name: string;
  /** Authenticated session lifetime, authentik duration. @default "weeks=4" */
  readonly sessionDuration: string;
}

/** PgBouncer in front of the dbaas PostgreSQL. */
export interface PgBouncerConfig {
  /** Name of the Deployment, Service, PDB, and prefix of its ConfigMap and Secret. @default "pgbouncer" */
  readonly name: string;
  /** Container image. @default "edoburu/pgbouncer:latest" */
  readonly image: string;
  /** Pod count. @default 3 */
  readonly replicas: number;
  /** Port pgbouncer listens on (and the Service exposes). @default 6432 */
  readonly port: number;
  /** PodDisruptionBudget minAvailable; at most replicas. @default 2 */
  readonly minAvailable: number;
  /** PostgreSQL host in pgbouncer.ini. @default "postgresql.dbaas" */
  readonly upstreamHost: string;
  /** Host in the DATABASES_AUTHENTIK env var (differs from upstreamHost today; see README). @default "postgres" */
  readonly envUpstreamHost: string;
  /** PostgreSQL port. @default 5432 */
  readonly upstreamPort: number;
  /** Database name. @default "authentik" */
  readonly database: string;
  /** Database user. @default "authentik" */
  readonly user: string;
  /** pgbouncer pool_mode. @default "session" */
  readonly poolMode: "session" | "transaction" | "statement";
  /** pgbouncer max_client_conn. @default 200 */
  readonly maxClientConn: number;
  /** pgbouncer default_pool_size. @default 20 */
  readonly defaultPoolSize: number;
  /** pgbouncer reserve_pool_size. @default 5 */
  readonly reservePoolSize: number;
  /** pgbouncer reserve_pool_timeout, seconds. @default 5 */
  readonly reservePoolTimeoutSeconds: number;
}

/** The repo's ingress factory settings these ingresses use. */
export interface IngressConfig {
  /** IngressClass. @default "traefik" */
  readonly className: string;
  /** Traefik entrypoint the routers listen on (and the fallback alert watches). @default "websecure" */
  readonly entrypoint: string;
  /** Namespace of the Traefik middlewares (`<ns>-<middleware>@kubernetescrd`). @default "traefik" */
  readonly middlewareNamespace: string;
  /** Homepage dashboard group of the entries. @default "Identity & Security" */
  readonly homepageGroup: string;
  /** Annotation domain of the repo's own controllers (DNS, uptime). @default "viktorbarzin.me" */
  readonly annotationDomain: string;
}

/** Cloudflare DNS for authentik.<domain> (through the tunnel). */
export interface DnsConfig {
  /** Cloudflare zone id (32 hex). @default "fd2c5dd4efe8fe38958944e74d0ced6d" */
  readonly zoneId: string;
  /** Cloudflare tunnel UUID; the record points at `<tunnelId>.cfargotunnel.com`. @default "75182cd7-bb91-4310-b961-5d8967da8b41" */
  readonly tunnelId: string;
}

/** Alert tuning. Expressions are derived; only these numbers are choices. */
export interface AlertsConfig {
  /** How many services forward-auth protects (named in the 400-spike summary). @default 43 */
  readonly protectedServiceCount: number;
  /** 401s per second on the entrypoint above which the Basic-Auth fallback is presumed active. @default 5 */
  readonly fallback401RatePerSecond: number;
  /** 400s from the outpost in 5 minutes above which forward-auth is presumed broken. @default 10 */
  readonly forwardAuth400Per5m: number;
  /** Outpost working set, as a fraction of the /dev/shm size, that warns. @default 0.75 */
  readonly memoryWarningFractionOfShm: number;
  /** Outpost working set, as a fraction of the /dev/shm size, that is critical; above the warning. @default 0.9 */
  readonly memoryCriticalFractionOfShm: number;
  /** /dev/shm usage fraction that alerts. @default 0.8 */
  readonly shmFullFraction: number;
  /** Outpost container restarts in 30 minutes above which it alerts. @default 2 */
  readonly restartsPer30m: number;
}

/** What `verify-upgrade` probes. */
export interface VerifyConfig {
  /** A forward-auth-protected URL; expected to answer 302 to authentik. @default "https://terminal.viktorbarzin.me/" */
  readonly edgeUrl: string;
  /** /dev/shm file count at or above which the filesystem session store is presumed active. @default 40 */
  readonly shmMaxFiles: number;
  /** How far the newest proxy session's expiry may be from now + access_token_validity. @default 24 */
  readonly sessionExpiryToleranceHours: number;
  /** Per-command timeout, seconds. @default 30 */
  readonly commandTimeoutSeconds: number;
}

export interface StackConfig {
  /** CDKTF stack name, and the directory under cdktf.out/stacks. @default "authentik" */
  readonly stackName: string;
  /** Base DNS domain; authentik is served at authentik.<domain>. @default "viktorbarzin.me" */
  readonly domain: string;
  /** Kubernetes namespace of everything here. @default "authentik" */
  readonly namespace: string;
  /** Repo-wide tier label. @default "1-cluster" */
  readonly tier: string;
  /** Terraform state backend. @default - see {@link BackendConfig} */
  readonly backend: BackendConfig;
  /** Vault, read at plan time. @default - see {@link VaultConfig} */
  readonly vault: VaultConfig;
  /** The namespace's ResourceQuota `hard` limits (free-form keys). @default { "requests.cpu": "16", "requests.memory": "16Gi", "limits.memory": "96Gi", pods: "50" } */
  readonly quota: Readonly<Record<string, string>>;
  /** The goauthentik Helm release. @default - see {@link ReleaseConfig} */
  readonly release: ReleaseConfig;
  /** The embedded outpost. @default - see {@link OutpostConfig} */
  readonly outpost: OutpostConfig;
  /** The catch-all forward-auth provider and application. @default - see {@link CatchAllConfig} */
  readonly catchAll: CatchAllConfig;
  /** Extra proxy applications (none live today; the benchmark uses them to scale the stack). @default [] */
  readonly extraProxyApplications: readonly ProxyApplicationConfig[];
  /** The default login stage. @default - see {@link LoginStageConfig} */
  readonly loginStage: LoginStageConfig;
  /** PgBouncer in front of the dbaas PostgreSQL. @default - see {@link PgBouncerConfig} */
  readonly pgbouncer: PgBouncerConfig;
  /** The repo's ingress factory settings. @default - see {@link IngressConfig} */
  readonly ingress: IngressConfig;
  /** Cloudflare DNS through the tunnel. @default - see {@link DnsConfig} */
  readonly dns: DnsConfig;
  /** Alert tuning. @default - see {@link AlertsConfig} */
  readonly alerts: AlertsConfig;
  /** What `verify-upgrade` probes. @default - see {@link VerifyConfig} */
  readonly verify: VerifyConfig;
  /** The identity layer: groups, the invitation enrollment flow, the policies. @default - the live objects (DEFAULT_IDENTITY in config/identity.ts) */
  readonly identity: IdentityConfig;
}

/** Recursively optional, for overrides. */
export type DeepPartial<T> = T extends readonly (infer U)[]
  ? readonly U[]
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;
