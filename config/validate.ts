/** Validation of a merged stack config: every problem, one line each, naming the field, the value and what is allowed. */
import { DURATION_HELP, parseDuration } from "../lib/duration";
import { parseQuantity } from "../lib/quantity";
import { StackConfig } from "./stack-config";
import { outpostObjectName, slugify } from "./derive";

/** Raised for invalid configuration; lists every problem found, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid stack config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
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
