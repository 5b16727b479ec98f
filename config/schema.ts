/**
 * The schema of the stack config, once: every field's type, range, length or closed set as Kubernetes,
 * Helm and authentik enforce them. It validates the merged config (defaults + the override file) with
 * one line per problem (field, value seen, what is allowed), and it is published as a JSON Schema of the
 * override file (config/override.schema.json, written by config/json-schema.ts through `npm run gen:config-schema`) so editors complete and check it.
 *
 * Why not zod or typebox: this tree is typed against StackConfig (a field added to the config without a
 * schema entry doesn't compile), the messages name what is allowed in the operator's terms, and it emits
 * its own JSON Schema in ~40 lines; a library would add a runtime dependency and a message-mapping layer
 * of about the same size.
 */
import { didYouMean } from "../lib/did-you-mean";
import { StackConfig } from "./stack-config";
import { IDENTITY_SCHEMA } from "./identity-schema";
import { INT32_MAX, Leaf, ObjectNode, SchemaNode, bool, count, dnsLabel, dnsSubdomain, duration, finite, fraction, hostname, int, obj, oneOf, pgName, port, quantity, slug, str, text, url, uuid, DNS_NAME } from "./schema-nodes";

export type { ArrayNode, Leaf, MapNode, ObjectNode, SchemaNode } from "./schema-nodes";

const proxyApplicationFields = {
  resourceName: str("a Terraform resource name: a letter or '_', then letters, digits, '_' and '-', at most 64 characters", { pattern: /^[a-zA-Z_][a-zA-Z0-9_-]*$/, maxLength: 64 }),
  providerName: text(),
  applicationName: text(),
  slug,
  mode: oneOf("forward_domain", "forward_single", "proxy"),
  accessTokenValidity: duration,
};

/** The whole stack config. */
export const CONFIG_SCHEMA: ObjectNode = obj<StackConfig>({
  stackName: dnsLabel(63, "a CDKTF stack name (DNS-1123 label)"),
  domain: str("a DNS name such as example.org", { pattern: DNS_NAME, maxLength: 253 }),
  namespace: dnsLabel(63, "a Kubernetes namespace (DNS-1123 label)"),
  tier: str("a Kubernetes label value: letters, digits, '-', '_' and '.', starting and ending alphanumeric, at most 63 characters", { pattern: /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, maxLength: 63 }),
  backend: obj<StackConfig["backend"]>({ schemaName: pgName }),
  vault: obj<StackConfig["vault"]>({
    address: url("https"),
    mount: str("a Vault mount path without leading or trailing '/'", { pattern: /^[^/\s]+(\/[^/\s]+)*$/ }),
    platformPath: str("a Vault KV path without leading or trailing '/'", { pattern: /^[^/\s]+(\/[^/\s]+)*$/ }),
    authentikPath: str("a Vault KV path without leading or trailing '/'", { pattern: /^[^/\s]+(\/[^/\s]+)*$/ }),
  }),
  quota: { kind: "map", key: str("a Kubernetes resource name such as requests.cpu, limits.memory, pods or count/services", { pattern: /^[a-z0-9]([-a-z0-9./]*[a-z0-9])?$/, maxLength: 253 }), value: quantity("a quota", false) },
  release: obj<StackConfig["release"]>({
    name: dnsLabel(53, "a Helm release name (DNS-1123 label; Helm allows 53 characters)"),
    chart: dnsLabel(63, "a chart name"),
    repository: url("http(s)"),
    version: str("a chart version X.Y.Z (semver)", { pattern: /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/ }),
    atomic: bool,
    timeoutSeconds: int(1, 86400, "an integer number of seconds from 1 to 86400"),
    createNamespace: bool,
    valuesFile: str("a file path (relative to the repository root, or absolute), no spaces", { pattern: /^\S+$/ }),
  }),
  outpost: obj<StackConfig["outpost"]>({
    name: str("a name with at least one letter or digit, at most 100 characters", { pattern: /[A-Za-z0-9]/, maxLength: 100 }),
    uuid,
    type: oneOf("proxy"),
    serviceConnectionId: uuid,
    objectNamingTemplate: str("a template containing %(name)s exactly once", { pattern: /^[^%]*%\(name\)s[^%]*$/ }),
    replicas: count("pods"),
    logLevel: oneOf("trace", "debug", "info", "warning", "error"),
    refreshInterval: duration,
    ports: obj<StackConfig["outpost"]["ports"]>({ http: port, metrics: port, https: port }),
    shmSizeLimit: quantity("the /dev/shm size; zero would make the memory alerts fire always"),
    memoryLimit: quantity("memory"),
    cpuRequest: quantity("CPU"),
    memoryRequest: quantity("memory"),
    serviceType: oneOf("ClusterIP", "NodePort", "LoadBalancer"),
    ingressSecretName: dnsSubdomain,
  }),
  catchAll: obj<StackConfig["catchAll"]>({ ...proxyApplicationFields, authorizationFlowSlug: slug, invalidationFlowSlug: slug }),
  extraProxyApplications: {
    kind: "array",
    item: obj<StackConfig["extraProxyApplications"][number]>(proxyApplicationFields),
    required: ["resourceName", "providerName", "applicationName", "slug"],
    entryDefaults: { mode: "forward_domain", accessTokenValidity: "weeks=4" },
  },
  loginStage: obj<StackConfig["loginStage"]>({ name: text(), sessionDuration: duration }),
  pgbouncer: obj<StackConfig["pgbouncer"]>({
    name: dnsLabel(63, "a Kubernetes object name (DNS-1123 label)"),
    image: str("a container image reference (no spaces)", { pattern: /^[^\s]+$/ }),
    replicas: count("pods"),
    port,
    minAvailable: int(0, INT32_MAX, "an integer from 0 to replicas"),
    upstreamHost: hostname,
    envUpstreamHost: hostname,
    upstreamPort: port,
    database: pgName,
    user: pgName,
    poolMode: oneOf("session", "transaction", "statement"),
    maxClientConn: count("connections"),
    defaultPoolSize: count("connections"),
    reservePoolSize: count("connections"),
    reservePoolTimeoutSeconds: count("seconds"),
  }),
  ingress: obj<StackConfig["ingress"]>({
    className: dnsSubdomain,
    entrypoint: str("a Traefik entrypoint name (letters and digits)", { pattern: /^[A-Za-z0-9]+$/ }),
    middlewareNamespace: dnsLabel(63, "a Kubernetes namespace"),
    homepageGroup: text(),
    annotationDomain: str("a DNS name such as example.org", { pattern: DNS_NAME, maxLength: 253 }),
  }),
  dns: obj<StackConfig["dns"]>({ zoneId: str("a 32-hex Cloudflare zone id", { pattern: /^[0-9a-f]{32}$/ }), tunnelId: uuid }),
  alerts: obj<StackConfig["alerts"]>({
    protectedServiceCount: count("services"),
    fallback401RatePerSecond: finite("a finite rate per second greater than 0", { exclusiveMinimum: 0, maximum: 1e6 }),
    forwardAuth400Per5m: count("responses"),
    memoryWarningFractionOfShm: fraction,
    memoryCriticalFractionOfShm: fraction,
    shmFullFraction: fraction,
    restartsPer30m: count("restarts"),
  }),
  verify: obj<StackConfig["verify"]>({
    edgeUrl: url("http(s)"),
    shmMaxFiles: count("files"),
    sessionExpiryToleranceHours: finite("a finite number of hours greater than 0, at most 8760", { exclusiveMinimum: 0, maximum: 8760 }),
    commandTimeoutSeconds: int(1, 3600, "an integer number of seconds from 1 to 3600"),
  }),
  identity: IDENTITY_SCHEMA,
});

/** How a value is shown in a message: JSON, shortened. */
export function seen(v: unknown): string {
  if (v === undefined) return "missing";
  if (Array.isArray(v)) return `an array (${v.length} item(s))`;
  if (v !== null && typeof v === "object") return "an object";
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}..."` : s;
}

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
export const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The fix for a bad value: entries of a list have no default to fall back to. */
function fixValue(at: string): string {
  return at.includes("[") ? "Fix: correct it in the AUTHENTIK_STACK_CONFIG file" : "Fix: correct it in the AUTHENTIK_STACK_CONFIG file, or leave it out for today's value";
}

function checkLeaf(n: Leaf, v: unknown, at: string, out: string[]): void {
  const bad = (why: string): void => {
    out.push(`config.${at}: ${seen(v)} ${why}; allowed: ${n.allowed}. ${fixValue(at)}`);
  };
  if (n.kind === "string") {
    if (typeof v !== "string") return bad("is not a string");
    if (n.enum && !n.enum.includes(v)) return bad("is not one of the allowed values");
    if (n.minLength !== undefined && v.length < n.minLength) return bad("is empty");
    if (n.maxLength !== undefined && v.length > n.maxLength) return bad(`is ${v.length} characters long`);
    if (n.check) {
      const why = (n.check as (x: string) => string | undefined)(v);
      if (why) return bad(why);
    }
    if (n.pattern && !n.pattern.test(v)) return bad("is not allowed");
    return;
  }
  if (n.kind === "boolean") {
    if (typeof v !== "boolean") bad("is not true or false");
    return;
  }
  if (typeof v !== "number") return bad("is not a number");
  if (!Number.isFinite(v)) return bad("is not finite");
  if (n.kind === "integer" && !Number.isInteger(v)) return bad("is not a whole number");
  if ((n.minimum !== undefined && v < n.minimum) || (n.maximum !== undefined && v > n.maximum) || (n.exclusiveMinimum !== undefined && v <= n.exclusiveMinimum)) bad("is out of range");
}

/** Checks a merged config against the schema; returns one line per problem. */
export function schemaProblems(value: unknown, node: SchemaNode = CONFIG_SCHEMA, at = ""): string[] {
  const out: string[] = [];
  const field = (k: string) => (at ? `${at}.${k}` : k);
  const shapeBad = (allowed: string): number => out.push(`config${at ? "." + at : ""}: ${seen(value)} is not allowed; allowed: ${allowed}. ${fixValue(at)}`);
  switch (node.kind) {
    case "object": {
      if (!isObj(value)) {
        shapeBad(`an object with ${Object.keys(node.fields).join(", ")}`);
        break;
      }
      const names = Object.keys(node.fields);
      for (const k of Object.keys(value)) {
        if (own(node.fields, k)) continue;
        const dym = didYouMean(k, names);
        out.push(`config.${field(k)}: unknown setting; allowed: ${names.join(", ")}. Fix: ${dym ? `did you mean '${dym}'? Rename it, or remove it` : "remove it or correct its name"}`);
      }
      for (const [k, child] of Object.entries(node.fields)) {
        if (own(value, k)) out.push(...schemaProblems(value[k], child, field(k)));
        else if (!node.optional?.includes(k)) out.push(`config.${field(k)}: missing; allowed: ${describe(child)}. Fix: add ${k} to ${at ? `config.${at}` : "the config"}`);
      }
      break;
    }
    case "map": {
      if (!isObj(value)) {
        shapeBad("an object of name: quantity");
        break;
      }
      for (const [k, v] of Object.entries(value)) {
        if (!node.key.pattern!.test(k) || k.length > (node.key.maxLength ?? Infinity)) out.push(`config.${field(k)}: ${seen(k)} is not a resource name; allowed: ${node.key.allowed}. Fix: correct the name in the AUTHENTIK_STACK_CONFIG file`);
        else checkLeaf(node.value, v, field(k), out);
      }
      break;
    }
    case "array": {
      if (!Array.isArray(value)) {
        shapeBad(node.item.kind === "object" ? "a list of objects" : `a list of values, each ${node.item.allowed}`);
        break;
      }
      const first = new Map<unknown, number>();
      value.forEach((entry, i) => {
        out.push(...schemaProblems(entry, node.item, `${at}[${i}]`));
        if (!node.unique || node.item.kind === "object") return;
        if (first.has(entry)) out.push(`config.${at}[${i}]: ${seen(entry)} is listed twice (also at [${first.get(entry)}]); allowed: each value once. Fix: remove the duplicate`);
        else first.set(entry, i);
      });
      break;
    }
    default:
      checkLeaf(node, value, at, out);
  }
  return out;
}

/** What a node allows, in one phrase. */
function describe(n: SchemaNode): string {
  if (n.kind === "object") return `an object with ${Object.keys(n.fields).join(", ")}`;
  if (n.kind === "array") return n.item.kind === "object" ? "a list of objects" : `a list of values, each ${n.item.allowed}`;
  if (n.kind === "map") return "an object of name: quantity";
  return n.allowed;
}
