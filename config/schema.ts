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
import { DURATION_HELP, DURATION_UNITS, parseDuration } from "../lib/duration";
import { parseQuantity } from "../lib/quantity";
import { StackConfig } from "./stack-config";

export interface Leaf {
  readonly kind: "string" | "integer" | "number" | "boolean";
  /** What is allowed, in one phrase (also the JSON Schema description). */
  readonly allowed: string;
  readonly pattern?: RegExp;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly maximum?: number;
  /** A further check returning the reason it fails. */
  readonly check?: (v: never) => string | undefined;
}
export interface ObjectNode {
  readonly kind: "object";
  readonly fields: Readonly<Record<string, SchemaNode>>;
}
export interface MapNode {
  readonly kind: "map";
  readonly key: Leaf;
  readonly value: Leaf;
}
export interface ArrayNode {
  readonly kind: "array";
  readonly item: ObjectNode;
  /** Fields each entry must set (the others get `entryDefaults`). */
  readonly required: readonly string[];
  readonly entryDefaults: Readonly<Record<string, unknown>>;
}
export type SchemaNode = Leaf | ObjectNode | MapNode | ArrayNode;

/** A schema node per field of T, checked by the compiler. */
type Fields<T> = { readonly [K in keyof T]-?: SchemaNode };

const INT32_MAX = 2_147_483_647;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const QUANTITY = /^(\d+(\.\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const UNIT = Object.keys(DURATION_UNITS).join("|");
const DURATION = new RegExp(`^(${UNIT})=\\d+(\\.\\d+)?(;(${UNIT})=\\d+(\\.\\d+)?)*$`);

const str = (allowed: string, o: Partial<Leaf> = {}): Leaf => ({ kind: "string", allowed, minLength: 1, ...o });
const int = (min: number, max: number, allowed = `an integer from ${min} to ${max}`): Leaf => ({ kind: "integer", allowed, minimum: min, maximum: max });
const bool: Leaf = { kind: "boolean", allowed: "true or false" };
const oneOf = (...values: string[]): Leaf => str(values.join(", "), { enum: values });
const dnsLabel = (max = 63, what = "a DNS-1123 label"): Leaf => str(`${what}: lower-case letters, digits and '-', starting and ending alphanumeric, at most ${max} characters`, { pattern: DNS_LABEL, maxLength: max });
const dnsSubdomain = str("a DNS-1123 subdomain (lower-case letters, digits, '-' and '.'), at most 253 characters", { pattern: DNS_SUBDOMAIN, maxLength: 253 });
const hostname = str("a host name (DNS-1123 subdomain), at most 253 characters", { pattern: DNS_SUBDOMAIN, maxLength: 253 });
const uuid = str("a lower-case UUID in dashed form, e.g. 0eecac07-97c7-443c-8925-05f2f4fe3e47", { pattern: UUID });
const slug = str("an authentik slug: letters, digits, '-' and '_', at most 50 characters", { pattern: /^[-a-zA-Z0-9_]+$/, maxLength: 50 });
const text = (max = 200) => str(`non-empty text, at most ${max} characters`, { maxLength: max, pattern: /\S/ });
const port = int(1, 65535, "an integer port from 1 to 65535");
const count = (what: string) => int(1, INT32_MAX, `a whole number of ${what} from 1 to ${INT32_MAX}`);
const pgName = str("a PostgreSQL identifier: lower-case letters, digits and '_', at most 63 characters", { pattern: /^[a-z_][a-z0-9_]*$/, maxLength: 63 });
const url = (schemes: string) => str(`an ${schemes}:// URL`, { pattern: new RegExp(`^(${schemes.replace("(s)", "s?")})://[^\\s/]+(/\\S*)?$`) });
const finite = (allowed: string, o: Partial<Leaf>): Leaf => ({ kind: "number", allowed, ...o });
const fraction = finite("a fraction greater than 0 and at most 1", { exclusiveMinimum: 0, maximum: 1 });
const duration = str(DURATION_HELP, {
  pattern: DURATION,
  check: (v: string) => {
    const r = parseDuration(v);
    return "error" in r ? `is not an authentik duration (${r.error})` : undefined;
  },
});
const quantity = (what: string, positive = true): Leaf =>
  str(`a Kubernetes quantity such as 2Gi, 2560Mi or 100m${positive ? ", greater than zero" : ""} (${what})`, {
    pattern: QUANTITY,
    check: (v: string) => {
      const q = parseQuantity(v);
      return q === undefined ? "is not a Kubernetes quantity" : positive && q <= 0 ? "is zero" : undefined;
    },
  });
const obj = <T>(fields: Fields<T>): ObjectNode => ({ kind: "object", fields });

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
  quota: { kind: "map", key: str("a Kubernetes resource name such as requests.cpu, limits.memory, pods or count/services", { pattern: /^[a-z0-9]([-a-z0-9./]*[a-z0-9])?$/, maxLength: 253 }), value: quantity("zero allowed for a quota", false) },
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

function checkLeaf(n: Leaf, v: unknown, at: string, out: string[]): void {
  const bad = (why: string): void => {
    out.push(`config.${at}: ${seen(v)} ${why}; allowed: ${n.allowed}`);
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
  const shapeBad = (allowed: string): number => out.push(`config${at ? "." + at : ""}: ${seen(value)} is not allowed; allowed: ${allowed}`);
  switch (node.kind) {
    case "object": {
      if (!isObj(value)) {
        shapeBad(`an object with ${Object.keys(node.fields).join(", ")}`);
        break;
      }
      for (const k of Object.keys(value)) {
        if (!own(node.fields, k)) out.push(`config.${field(k)}: unknown setting; allowed: ${Object.keys(node.fields).join(", ")}`);
      }
      for (const [k, child] of Object.entries(node.fields)) {
        if (!own(value, k)) out.push(`config.${field(k)}: missing; allowed: ${child.kind === "object" ? "an object" : (child as Leaf).allowed ?? child.kind}`);
        else out.push(...schemaProblems(value[k], child, field(k)));
      }
      break;
    }
    case "map": {
      if (!isObj(value)) {
        shapeBad("an object of name: quantity");
        break;
      }
      for (const [k, v] of Object.entries(value)) {
        if (!node.key.pattern!.test(k) || k.length > (node.key.maxLength ?? Infinity)) out.push(`config.${field(k)}: ${seen(k)} is not a resource name; allowed: ${node.key.allowed}`);
        else checkLeaf(node.value, v, field(k), out);
      }
      break;
    }
    case "array": {
      if (!Array.isArray(value)) {
        shapeBad("a list of objects");
        break;
      }
      value.forEach((entry, i) => out.push(...schemaProblems(entry, node.item, `${at}[${i}]`)));
      break;
    }
    default:
      checkLeaf(node, value, at, out);
  }
  return out;
}
