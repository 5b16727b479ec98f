/**
 * The building blocks of the config schema (config/schema.ts, config/identity-schema.ts): the node types
 * and the leaves with what they allow, as Kubernetes, Helm and authentik enforce it (DNS-1123 names,
 * int32, authentik slugs and durations, Kubernetes quantities). Pure: imports only lib/.
 */
import { DURATION_HELP, DURATION_UNITS, parseDuration } from "../lib/duration";
import { QUANTITY_MAX, QUANTITY_MAX_NANOS, QUANTITY_PATTERN, quantityNanos } from "../lib/quantity";

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
  /** Fields that may be left out: absent means "none" (a group without a parent). @default - every field is required */
  readonly optional?: readonly string[];
}
export interface MapNode {
  readonly kind: "map";
  readonly key: Leaf;
  readonly value: Leaf;
}
export interface ArrayNode {
  readonly kind: "array";
  /** What each entry is: an object (merged over `entryDefaults`) or a single value. */
  readonly item: ObjectNode | Leaf;
  /** Fields each object entry must set (the others get `entryDefaults`). */
  readonly required: readonly string[];
  readonly entryDefaults: Readonly<Record<string, unknown>>;
  /** Entries (single values) must differ. @default false */
  readonly unique?: boolean;
}
export type SchemaNode = Leaf | ObjectNode | MapNode | ArrayNode;

/** A schema node per field of T, checked by the compiler. */
export type Fields<T> = { readonly [K in keyof T]-?: SchemaNode };

export const INT32_MAX = 2_147_483_647;
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const UNIT = Object.keys(DURATION_UNITS).join("|");
export const DURATION = new RegExp(`^(${UNIT})=\\d+(\\.\\d+)?(;(${UNIT})=\\d+(\\.\\d+)?)*$`);

export const str = (allowed: string, o: Partial<Leaf> = {}): Leaf => ({ kind: "string", allowed, minLength: 1, ...o });
export const int = (min: number, max: number, allowed = `an integer from ${min} to ${max}`): Leaf => ({ kind: "integer", allowed, minimum: min, maximum: max });
export const bool: Leaf = { kind: "boolean", allowed: "true or false" };
export const oneOf = (...values: string[]): Leaf => str(values.join(", "), { enum: values });
export const dnsLabel = (max = 63, what = "a DNS-1123 label"): Leaf => str(`${what}: lower-case letters, digits and '-', starting and ending alphanumeric, at most ${max} characters`, { pattern: DNS_LABEL, maxLength: max });
export const dnsSubdomain = str("a DNS-1123 subdomain (lower-case letters, digits, '-' and '.'), at most 253 characters", { pattern: DNS_SUBDOMAIN, maxLength: 253 });
export const hostname = str("a host name (DNS-1123 subdomain), at most 253 characters", { pattern: DNS_SUBDOMAIN, maxLength: 253 });
export const uuid = str("a lower-case UUID in dashed form, e.g. 0eecac07-97c7-443c-8925-05f2f4fe3e47", { pattern: UUID });
export const slug = str("an authentik slug: letters, digits, '-' and '_', at most 50 characters", { pattern: /^[-a-zA-Z0-9_]+$/, maxLength: 50 });
export const text = (max = 200) => str(`non-empty text, at most ${max} characters`, { maxLength: max, pattern: /\S/ });
export const port = int(1, 65535, "an integer port from 1 to 65535");
export const count = (what: string) => int(1, INT32_MAX, `a whole number of ${what} from 1 to ${INT32_MAX}`);
export const pgName = str("a PostgreSQL identifier: lower-case letters, digits and '_', at most 63 characters", { pattern: /^[a-z_][a-z0-9_]*$/, maxLength: 63 });
export const url = (schemes: string) => str(`an ${schemes}:// URL`, { pattern: new RegExp(`^(${schemes.replace("(s)", "s?")})://[^\\s/]+(/\\S*)?$`) });
export const finite = (allowed: string, o: Partial<Leaf>): Leaf => ({ kind: "number", allowed, ...o });
export const fraction = finite("a fraction greater than 0 and at most 1", { exclusiveMinimum: 0, maximum: 1 });
export const duration = str(DURATION_HELP, {
  pattern: DURATION,
  check: (v: string) => {
    const r = parseDuration(v);
    return "error" in r ? `is not an authentik duration (${r.error})` : undefined;
  },
});
/** A duration where zero has a meaning (the login stage's `seconds=0`: the browser session; no remember-me offset). */
export const durationOrZero = (zeroMeans: string): Leaf =>
  str(`${DURATION_HELP}; zero (seconds=0) means ${zeroMeans}`, {
    pattern: DURATION,
    check: (v: string) => {
      const r = parseDuration(v);
      // the pattern admits no sign: "it is zero" is exactly zero here
      return "error" in r && r.error !== "it is zero" ? `is not an authentik duration (${r.error})` : undefined;
    },
  });
/** What a quantity field allows, Kubernetes' grammar in words (lib/quantity.ts). */
export const QUANTITY_HELP =
  "a Kubernetes quantity: a decimal number with an optional sign (1, +1, 1.5, .5, 1.), then nothing, Ki Mi Gi Ti Pi Ei, n u m k M G T P E, or an exponent e<integer> or E<integer>, without spaces (2Gi, 2560Mi, 100m, 1.5e9)";
/**
 * A Kubernetes quantity that is a size: never negative (Kubernetes parses "-1Gi", but rejects negative
 * requests, limits, sizeLimits and quotas), at most 2^63-1 (Kubernetes cuts binary-SI values to it and its
 * int64 Value() holds no more), and, unless `positive` is false, not zero.
 */
export const quantity = (what: string, positive = true): Leaf =>
  str(`${QUANTITY_HELP}, ${positive ? "greater than zero" : "zero or more"} and at most 2^63-1 (${what})`, {
    pattern: QUANTITY_PATTERN,
    check: (v: string) => {
      const n = quantityNanos(v);
      if (n === undefined) return "is not a Kubernetes quantity";
      if (n < 0n) return "is negative";
      if (positive && n === 0n) return "is zero";
      return n > QUANTITY_MAX_NANOS ? `is larger than 2^63-1 (${QUANTITY_MAX})` : undefined;
    },
  });
export const obj = <T>(fields: Fields<T>, optional?: ReadonlyArray<keyof T & string>): ObjectNode => ({ kind: "object", fields, ...(optional ? { optional } : {}) });
/** A list of single values; `unique`: each value at most once. */
export const list = (item: Leaf, unique = true): ArrayNode => ({ kind: "array", item, required: [], entryDefaults: {}, unique });
/** authentik's int32 fields (orders, scores). */
export const int32 = (what: string) => int(-2_147_483_648, INT32_MAX, `an integer ${what} from -2147483648 to ${INT32_MAX}`);
/** A Terraform resource name of the identity layer (`authentik_group.<key>`): part of the state contract. */
export const tfKey = str("a Terraform resource name: lower-case letters, digits and '_', starting with a letter, at most 64 characters (part of the state address: changing it moves the resource)", { pattern: /^[a-z][a-z0-9_]*$/, maxLength: 64 });
/** Any text, empty allowed (authentik stores "" for "none"). */
export const maybeEmpty = (allowed: string): Leaf => ({ kind: "string", allowed, maxLength: 500 });
