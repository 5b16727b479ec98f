/**
 * The one source of truth for the authentik stack. Every fact is declared once here, with today's live
 * value as its default (../shared/reference/live-stack.yaml, 2026-05-10); every name, label, matcher and
 * expectation elsewhere is derived from it by {@link deriveNames}.
 */
import { DURATION_HELP, parseDuration } from "./duration";
import { parseQuantity } from "./quantity";

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

/** Raised for invalid configuration; lists every problem found, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid stack config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

function merge<T>(base: T, over: unknown, path: string): T {
  if (over === undefined) return base;
  if (Array.isArray(base) || base === null || typeof base !== "object") return over as T;
  if (over === null || typeof over !== "object" || Array.isArray(over)) {
    throw new ConfigError([`config.${path}: expected an object, got ${JSON.stringify(over)}`]);
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    if (!(k in out)) {
      // quota keys are free-form; everything else is a closed set
      if (path !== "quota") throw new ConfigError([`config.${path ? path + "." : ""}${k}: unknown setting; allowed: ${Object.keys(out).join(", ")}`]);
      out[k] = v;
      continue;
    }
    out[k] = merge(out[k], v, path ? `${path}.${k}` : k);
  }
  return out as T;
}

const UUID_DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const SLUG = /^[-a-zA-Z0-9_]+$/;
const TF_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;

/** Checks a config; returns every problem as "config.<field>: <value> <what is wrong>; allowed: ...". */
export function configProblems(c: StackConfig): string[] {
  const p: string[] = [];
  const show = (v: unknown) => JSON.stringify(v);
  const need = (ok: boolean, field: string, value: unknown, allowed: string) => {
    if (!ok) p.push(`config.${field}: ${show(value)} is not allowed; allowed: ${allowed}`);
  };
  const dnsLabel = (field: string, v: string) => need(typeof v === "string" && v.length <= 63 && DNS_LABEL.test(v), field, v, "a non-empty DNS label (lower-case letters, digits, '-', at most 63)");
  const duration = (field: string, v: string) => {
    const r = parseDuration(v);
    if ("error" in r) p.push(`config.${field}: ${show(v)} is not an authentik duration (${r.error}); allowed: ${DURATION_HELP}`);
  };
  const port = (field: string, v: number) => need(Number.isInteger(v) && v > 0 && v < 65536, field, v, "an integer port 1-65535");
  const positiveInt = (field: string, v: number) => need(Number.isInteger(v) && v > 0, field, v, "a positive integer");
  const quantity = (field: string, v: string) => need(parseQuantity(v) !== undefined, field, v, "a Kubernetes quantity such as 2Gi, 2560Mi or 100m");
  const fraction = (field: string, v: number) => need(typeof v === "number" && v > 0 && v <= 1, field, v, "a fraction in (0, 1]");

  dnsLabel("stackName", c.stackName);
  need(typeof c.domain === "string" && DNS_NAME.test(c.domain), "domain", c.domain, "a DNS name such as example.org");
  dnsLabel("namespace", c.namespace);
  dnsLabel("tier", c.tier);
  need(typeof c.backend.schemaName === "string" && /^[a-z_][a-z0-9_]*$/.test(c.backend.schemaName), "backend.schemaName", c.backend.schemaName, "a PostgreSQL schema name");
  need(/^https:\/\//.test(c.vault.address), "vault.address", c.vault.address, "an https:// URL");
  for (const [k, v] of Object.entries(c.quota)) quantity(`quota.${k}`, v);
  dnsLabel("release.name", c.release.name);
  need(SEMVER.test(c.release.version), "release.version", c.release.version, "a chart version X.Y.Z (semver)");
  need(/^https?:\/\//.test(c.release.repository), "release.repository", c.release.repository, "an http(s):// chart repository URL");
  positiveInt("release.timeoutSeconds", c.release.timeoutSeconds);

  const o = c.outpost;
  need(typeof o.name === "string" && slugify(o.name) !== "", "outpost.name", o.name, "a name with at least one letter or digit");
  need(UUID_DASHED.test(o.uuid), "outpost.uuid", o.uuid, "a lower-case UUID in dashed form, e.g. 0eecac07-97c7-443c-8925-05f2f4fe3e47");
  need(UUID_DASHED.test(o.serviceConnectionId), "outpost.serviceConnectionId", o.serviceConnectionId, "a lower-case UUID in dashed form");
  need(o.type === "proxy", "outpost.type", o.type, "\"proxy\"");
  need((o.objectNamingTemplate.match(/%\(name\)s/g) ?? []).length === 1, "outpost.objectNamingTemplate", o.objectNamingTemplate, "a template containing %(name)s exactly once");
  if (p.length === 0) dnsLabel("outpost.objectNamingTemplate (rendered)", outpostObjectName(o));
  positiveInt("outpost.replicas", o.replicas);
  duration("outpost.refreshInterval", o.refreshInterval);
  port("outpost.ports.http", o.ports.http);
  port("outpost.ports.metrics", o.ports.metrics);
  port("outpost.ports.https", o.ports.https);
  for (const f of ["shmSizeLimit", "memoryLimit", "cpuRequest", "memoryRequest"] as const) quantity(`outpost.${f}`, o[f]);
  const shm = parseQuantity(o.shmSizeLimit);
  const lim = parseQuantity(o.memoryLimit);
  if (shm !== undefined && lim !== undefined && lim <= shm) {
    p.push(`config.outpost.memoryLimit: ${show(o.memoryLimit)} is not larger than shmSizeLimit ${show(o.shmSizeLimit)}; allowed: a limit above the /dev/shm size (tmpfs counts against the cgroup, so the pod is OOM-killed before /dev/shm fills)`);
  }
  dnsLabel("outpost.ingressSecretName", o.ingressSecretName);

  const apps = [c.catchAll, ...c.extraProxyApplications];
  apps.forEach((a, i) => {
    const f = i === 0 ? "catchAll" : `extraProxyApplications[${i - 1}]`;
    need(TF_NAME.test(a.resourceName), `${f}.resourceName`, a.resourceName, "a Terraform resource name");
    need(SLUG.test(a.slug), `${f}.slug`, a.slug, "a slug of letters, digits, '-' and '_'");
    need(["forward_domain", "forward_single", "proxy"].includes(a.mode), `${f}.mode`, a.mode, "forward_domain, forward_single or proxy");
    duration(`${f}.accessTokenValidity`, a.accessTokenValidity);
  });
  const names = apps.map((a) => a.resourceName);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) p.push(`config.extraProxyApplications: resourceName ${show(dup)} is used twice; allowed: unique names`);
  duration("loginStage.sessionDuration", c.loginStage.sessionDuration);

  const b = c.pgbouncer;
  dnsLabel("pgbouncer.name", b.name);
  positiveInt("pgbouncer.replicas", b.replicas);
  port("pgbouncer.port", b.port);
  port("pgbouncer.upstreamPort", b.upstreamPort);
  need(Number.isInteger(b.minAvailable) && b.minAvailable >= 0 && b.minAvailable <= b.replicas, "pgbouncer.minAvailable", b.minAvailable, `an integer from 0 to replicas (${b.replicas})`);
  need(["session", "transaction", "statement"].includes(b.poolMode), "pgbouncer.poolMode", b.poolMode, "session, transaction or statement");
  for (const f of ["maxClientConn", "defaultPoolSize", "reservePoolSize", "reservePoolTimeoutSeconds"] as const) positiveInt(`pgbouncer.${f}`, b[f]);

  need(/^[a-z0-9]+$/i.test(c.ingress.entrypoint), "ingress.entrypoint", c.ingress.entrypoint, "a Traefik entrypoint name");
  need(/^[0-9a-f]{32}$/.test(c.dns.zoneId), "dns.zoneId", c.dns.zoneId, "a 32-hex Cloudflare zone id");
  need(UUID_DASHED.test(c.dns.tunnelId), "dns.tunnelId", c.dns.tunnelId, "a Cloudflare tunnel UUID");

  const a = c.alerts;
  positiveInt("alerts.protectedServiceCount", a.protectedServiceCount);
  need(a.fallback401RatePerSecond > 0, "alerts.fallback401RatePerSecond", a.fallback401RatePerSecond, "a positive rate");
  positiveInt("alerts.forwardAuth400Per5m", a.forwardAuth400Per5m);
  fraction("alerts.memoryWarningFractionOfShm", a.memoryWarningFractionOfShm);
  fraction("alerts.memoryCriticalFractionOfShm", a.memoryCriticalFractionOfShm);
  fraction("alerts.shmFullFraction", a.shmFullFraction);
  if (a.memoryWarningFractionOfShm >= a.memoryCriticalFractionOfShm) {
    p.push(`config.alerts.memoryWarningFractionOfShm: ${a.memoryWarningFractionOfShm} is not below memoryCriticalFractionOfShm ${a.memoryCriticalFractionOfShm}; allowed: warning < critical`);
  }
  positiveInt("alerts.restartsPer30m", a.restartsPer30m);

  need(/^https?:\/\/[^/]+/.test(c.verify.edgeUrl), "verify.edgeUrl", c.verify.edgeUrl, "an http(s) URL");
  positiveInt("verify.shmMaxFiles", c.verify.shmMaxFiles);
  need(c.verify.sessionExpiryToleranceHours > 0, "verify.sessionExpiryToleranceHours", c.verify.sessionExpiryToleranceHours, "a positive number of hours");
  positiveInt("verify.commandTimeoutSeconds", c.verify.commandTimeoutSeconds);
  return p;
}

/** Defaults merged with overrides, validated. Throws {@link ConfigError} naming every bad field. */
export function loadConfig(overrides: DeepPartial<StackConfig> = {}): StackConfig {
  const c = merge(DEFAULT_CONFIG, overrides, "");
  const problems = configProblems(c);
  if (problems.length) throw new ConfigError(problems);
  return c;
}

/** Django's slugify, as authentik applies it to outpost names. */
export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[^\x00-\x7f]/g, "")
    .toLowerCase()
    .replace(/[^\w\s-]/g, "")
    .trim()
    .replace(/[-\s]+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "");
}

/** The Kubernetes object name the outpost controller renders (Service, Deployment, Secret). */
export function outpostObjectName(o: Pick<OutpostConfig, "name" | "objectNamingTemplate">): string {
  return o.objectNamingTemplate.replace("%(name)s", slugify(o.name));
}

/** Label keys the outpost controller and the authentik chart put on pods. */
export const LABELS = {
  name: "app.kubernetes.io/name",
  managedBy: "app.kubernetes.io/managed-by",
  component: "app.kubernetes.io/component",
  outpostName: "goauthentik.io/outpost-name",
  outpostType: "goauthentik.io/outpost-type",
  outpostUuid: "goauthentik.io/outpost-uuid",
} as const;

/**
 * The labels authentik's outpost controller puts on an outpost's pods ("pod meta"): what the Service
 * must select. The UUID is written as 32 hex digits (uuid.hex), the name slugified.
 */
export function outpostPodLabels(o: { readonly name: string; readonly type: string; readonly uuid: string }): Record<string, string> {
  return {
    [LABELS.managedBy]: "goauthentik.io",
    [LABELS.name]: `authentik-outpost-${o.type}`,
    [LABELS.outpostName]: slugify(o.name),
    [LABELS.outpostType]: o.type,
    [LABELS.outpostUuid]: o.uuid.replace(/-/g, ""),
  };
}

/** Everything derived from the config: read these, never retype them. */
export interface DerivedNames {
  readonly authentikHost: string;
  readonly authentikUrl: string;
  readonly outpostSlug: string;
  readonly outpostObjectName: string;
  readonly outpostUuidHex: string;
  /** The labels the controller puts on the outpost pods (and the service patch selects). */
  readonly outpostPodLabels: Readonly<Record<string, string>>;
  /** Traefik's `service` label for the outpost: <namespace>-<service>-<port>@kubernetes. */
  readonly outpostTraefikService: string;
  readonly outpostContainerName: string;
  readonly serverDeployment: string;
  readonly serverServiceName: string;
  readonly pgbouncerHost: string;
  readonly tunnelTarget: string;
}

export function deriveNames(c: StackConfig): DerivedNames {
  const outpostSlug = slugify(c.outpost.name);
  const objectName = outpostObjectName(c.outpost);
  const uuidHex = c.outpost.uuid.replace(/-/g, "");
  const host = `authentik.${c.domain}`;
  return {
    authentikHost: host,
    authentikUrl: `https://${host}`,
    outpostSlug,
    outpostObjectName: objectName,
    outpostUuidHex: uuidHex,
    outpostPodLabels: outpostPodLabels(c.outpost),
    outpostTraefikService: `${c.namespace}-${objectName}-${c.outpost.ports.http}@kubernetes`,
    outpostContainerName: c.outpost.type,
    serverDeployment: `${c.release.name}-server`,
    serverServiceName: `${c.release.name}-server`,
    pgbouncerHost: `${c.pgbouncer.name}.${c.namespace}`,
    tunnelTarget: `${c.dns.tunnelId}.cfargotunnel.com`,
  };
}

/** The five variables the outpost needs to reach PostgreSQL (its session store). */
export const OUTPOST_POSTGRES_ENV = [
  "AUTHENTIK_POSTGRESQL__HOST",
  "AUTHENTIK_POSTGRESQL__PORT",
  "AUTHENTIK_POSTGRESQL__USER",
  "AUTHENTIK_POSTGRESQL__PASSWORD",
  "AUTHENTIK_POSTGRESQL__NAME",
] as const;
