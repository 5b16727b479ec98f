/**
 * The one source of truth for the authentik stack. Every fact is declared once here, with today's live
 * value as its default (../shared/reference/live-stack.yaml, 2026-05-10); every name, label, matcher and
 * expectation elsewhere is derived from it by {@link deriveNames}.
 */

/** The embedded proxy outpost record and the Kubernetes objects its controller renders. */
export interface OutpostConfig {
  /** Outpost record name; slugified into the Kubernetes object names. @default "authentik Embedded Outpost" */
  readonly name: string;
  /** The outpost's UUID, dashed form (the selector labels use it without dashes). */
  readonly uuid: string;
  /** Outpost type; decides the pod label `authentik-outpost-<type>` and the container name. @default "proxy" */
  readonly type: "proxy";
  /** Kubernetes service connection (UUID) the controller deploys through. */
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
  /** Terraform resource name (the state address suffix). */
  readonly resourceName: string;
  /** Provider name in authentik. */
  readonly providerName: string;
  /** Application name in authentik. */
  readonly applicationName: string;
  /** Application slug. */
  readonly slug: string;
  /** Proxy mode. @default "forward_domain" */
  readonly mode: "forward_domain" | "forward_single" | "proxy";
  /** Cookie/session lifetime, authentik duration; drives the proxy-session `expires`. @default "weeks=4" */
  readonly accessTokenValidity: string;
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
  /** Terraform state backend (PostgreSQL); the connection string comes from PG_CONN_STR. */
  readonly backend: { readonly schemaName: string };
  /** Vault: where secrets are read at plan time. */
  readonly vault: {
    readonly address: string;
    readonly mount: string;
    /** KV path of the shared platform secrets (DB password, Cloudflare key, homepage token). */
    readonly platformPath: string;
    /** KV path of the authentik API token for Terraform. */
    readonly authentikPath: string;
  };
  /** The namespace's ResourceQuota `hard` limits. */
  readonly quota: Readonly<Record<string, string>>;
  /** The goauthentik Helm release. */
  readonly release: {
    readonly name: string;
    readonly chart: string;
    readonly repository: string;
    /** Chart version; the line an upgrade bumps. */
    readonly version: string;
    readonly atomic: boolean;
    readonly timeoutSeconds: number;
    readonly createNamespace: boolean;
    /** The values file, relative to the repo root, sent verbatim as the release's values. */
    readonly valuesFile: string;
  };
  readonly outpost: OutpostConfig;
  /** The catch-all forward-auth provider and application. */
  readonly catchAll: ProxyApplicationConfig & {
    readonly authorizationFlowSlug: string;
    readonly invalidationFlowSlug: string;
  };
  /** Extra proxy applications (none live today; the benchmark uses them to scale the stack). */
  readonly extraProxyApplications: readonly ProxyApplicationConfig[];
  /** The default login stage. */
  readonly loginStage: { readonly name: string; readonly sessionDuration: string };
  /** PgBouncer in front of the dbaas PostgreSQL. */
  readonly pgbouncer: {
    readonly name: string;
    readonly image: string;
    readonly replicas: number;
    readonly port: number;
    readonly minAvailable: number;
    readonly upstreamHost: string;
    /** Host in the DATABASES_AUTHENTIK env var (differs from upstreamHost today; see README). */
    readonly envUpstreamHost: string;
    readonly upstreamPort: number;
    readonly database: string;
    readonly user: string;
    readonly poolMode: "session" | "transaction" | "statement";
    readonly maxClientConn: number;
    readonly defaultPoolSize: number;
    readonly reservePoolSize: number;
    readonly reservePoolTimeoutSeconds: number;
  };
  /** The repo's ingress factory settings these ingresses use. */
  readonly ingress: {
    readonly className: string;
    readonly entrypoint: string;
    readonly middlewareNamespace: string;
    readonly homepageGroup: string;
    /** Annotation domain of the repo's own controllers (DNS, uptime). @default "viktorbarzin.me" */
    readonly annotationDomain: string;
  };
  /** Cloudflare DNS for authentik.<domain> (through the tunnel). */
  readonly dns: { readonly zoneId: string; readonly tunnelId: string };
  /** Alert tuning. Expressions are derived; only these numbers are choices. */
  readonly alerts: {
    readonly protectedServiceCount: number;
    readonly fallback401RatePerSecond: number;
    readonly forwardAuth400Per5m: number;
    readonly memoryWarningFractionOfShm: number;
    readonly memoryCriticalFractionOfShm: number;
    readonly shmFullFraction: number;
    readonly restartsPer30m: number;
  };
  /** What `verify-upgrade` probes. */
  readonly verify: {
    /** A forward-auth-protected URL; expected to answer 302 to authentik. */
    readonly edgeUrl: string;
    /** /dev/shm file count at or above which the filesystem session store is presumed active. */
    readonly shmMaxFiles: number;
    /** How far the newest proxy session's expiry may be from now + access_token_validity. */
    readonly sessionExpiryToleranceHours: number;
    /** Per-command timeout. */
    readonly commandTimeoutSeconds: number;
  };
}

/** Today's live configuration. */
export const DEFAULT_CONFIG: StackConfig = {
  stackName: "authentik",
  domain: "viktorbarzin.me",
  namespace: "authentik",
  tier: "1-cluster",
  backend: { schemaName: "authentik" },
  vault: { address: "https://vault.viktorbarzin.me", mount: "secret", platformPath: "platform", authentikPath: "authentik" },
  quota: { "requests.cpu": "16", "requests.memory": "16Gi", "limits.memory": "96Gi", pods: "50" },
  release: {
    name: "goauthentik",
    chart: "authentik",
    repository: "https://charts.goauthentik.io/",
    version: "2026.2.2",
    atomic: true,
    timeoutSeconds: 6000,
    createNamespace: true,
    valuesFile: "values/authentik.yaml",
  },
  outpost: {
    name: "authentik Embedded Outpost",
    uuid: "0eecac07-97c7-443c-8925-05f2f4fe3e47",
    type: "proxy",
    serviceConnectionId: "99e227a7-4562-4888-9660-4c27da678c50",
    objectNamingTemplate: "ak-outpost-%(name)s",
    replicas: 1,
    logLevel: "trace",
    refreshInterval: "minutes=5",
    ports: { http: 9000, metrics: 9300, https: 9443 },
    shmSizeLimit: "2Gi",
    memoryLimit: "2560Mi",
    cpuRequest: "100m",
    memoryRequest: "128Mi",
    serviceType: "ClusterIP",
    ingressSecretName: "authentik-outpost-tls",
  },
  catchAll: {
    resourceName: "catchall",
    providerName: "Provider for Domain wide catch all",
    applicationName: "Domain wide catch all",
    slug: "domain-wide-catch-all",
    mode: "forward_domain",
    accessTokenValidity: "weeks=4",
    authorizationFlowSlug: "default-provider-authorization-implicit-consent",
    invalidationFlowSlug: "default-provider-invalidation-flow",
  },
  extraProxyApplications: [],
  loginStage: { name: "default-authentication-login", sessionDuration: "weeks=4" },
  pgbouncer: {
    name: "pgbouncer",
    image: "edoburu/pgbouncer:latest",
    replicas: 3,
    port: 6432,
    minAvailable: 2,
    upstreamHost: "postgresql.dbaas",
    envUpstreamHost: "postgres",
    upstreamPort: 5432,
    database: "authentik",
    user: "authentik",
    poolMode: "session",
    maxClientConn: 200,
    defaultPoolSize: 20,
    reservePoolSize: 5,
    reservePoolTimeoutSeconds: 5,
  },
  ingress: {
    className: "traefik",
    entrypoint: "websecure",
    middlewareNamespace: "traefik",
    homepageGroup: "Identity & Security",
    annotationDomain: "viktorbarzin.me",
  },
  dns: { zoneId: "fd2c5dd4efe8fe38958944e74d0ced6d", tunnelId: "75182cd7-bb91-4310-b961-5d8967da8b41" },
  alerts: {
    protectedServiceCount: 43,
    fallback401RatePerSecond: 5,
    forwardAuth400Per5m: 10,
    memoryWarningFractionOfShm: 0.75,
    memoryCriticalFractionOfShm: 0.9,
    shmFullFraction: 0.8,
    restartsPer30m: 2,
  },
  verify: {
    edgeUrl: "https://terminal.viktorbarzin.me/",
    shmMaxFiles: 40,
    sessionExpiryToleranceHours: 24,
    commandTimeoutSeconds: 30,
  },
};

/** Recursively optional, for overrides. */
export type DeepPartial<T> = T extends readonly (infer U)[]
  ? readonly U[]
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;
