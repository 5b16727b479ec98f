/**
 * Request-body validation with Django REST Framework's semantics and messages, driven by the request
 * schema from authentik's OpenAPI description. What DRF does, and so what this does:
 *  - keys the serializer does not declare are ignored (DRF's Serializer.to_internal_value walks the
 *    declared fields only; authentik's ModelSerializer in authentik/core/api/utils.py does not change that),
 *    so read-only fields sent by a client are ignored too (they are absent from *Request schemas);
 *  - every field error is collected, keyed by field: `{"name": ["This field is required."]}`;
 *  - CharField accepts numbers (and stores their text), trims surrounding whitespace, refuses booleans,
 *    lists and objects; BooleanField and IntegerField accept their usual string spellings;
 *  - model validators run after the type check: authentik durations (timedelta_string_validator), URLs;
 *  - uuid-format fields in request bodies are relations (PrimaryKeyRelatedField): DRF turns "" into null
 *    for relational fields (RelatedField.run_validation), and a malformed pk fails Django's UUIDField.
 */
import { OpenApiDoc, Schema, resolveSchema } from "./spec";
import { durationMessage, isDurationProperty, parseDuration } from "./duration";

export type FieldErrors = Record<string, unknown>;
export interface Validated {
  data: Record<string, unknown>;
  errors?: FieldErrors;
  /** a value the real server would answer with a 500 (an uncaught OverflowError in the duration parser) */
  serverError?: string;
}

const TRUE = new Set<unknown>([true, 1, "1", "true", "True", "TRUE", "t", "T", "y", "Y", "yes", "Yes", "YES", "on", "On", "ON"]);
const FALSE = new Set<unknown>([false, 0, "0", "false", "False", "FALSE", "f", "F", "n", "N", "no", "No", "NO", "off", "Off", "OFF"]);
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Python's type name of a JSON value (DRF's and dacite's messages name it). */
export function pyType(v: unknown): string {
  if (v === null) return "NoneType";
  if (Array.isArray(v)) return "list";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "string") return "str";
  return "dict";
}

/** Django's URLValidator, reduced: a scheme, a host, no whitespace. */
function isUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return /^[a-z][a-z0-9+.-]*:$/i.test(u.protocol) && u.host !== "" && !/\s/.test(v);
  } catch {
    return false;
  }
}

type FieldResult = { value: unknown } | { errors: unknown };

/** Validates one value against one (property) schema; `name` is used for duration detection only. */
export function validateValue(doc: OpenApiDoc, raw: Schema, value: unknown, ctx: { serverError?: string } = {}): FieldResult {
  const s = resolveSchema(doc, raw);
  if (value === "" && s.type === "string" && s.format === "uuid") value = null; // RelatedField: "" -> None
  if (value === null) return s.nullable ? { value: null } : { errors: ["This field may not be null."] };
  if (Array.isArray(s.oneOf)) {
    // nullable/blank choice fields: oneOf [Enum, BlankEnum, NullEnum]
    const variants = s.oneOf.map((o: Schema) => resolveSchema(doc, o));
    for (const v of variants) if (Array.isArray(v.enum) && v.enum.includes(value)) return { value };
    const first = variants.find((v: Schema) => Array.isArray(v.enum) && v.enum.some((e: unknown) => e !== "" && e !== null));
    if (first) return { errors: [`"${String(value)}" is not a valid choice.`] };
    return validateValue(doc, variants[0], value, ctx);
  }
  switch (s.type) {
    case "string": {
      if (typeof value === "boolean" || (typeof value !== "string" && typeof value !== "number")) return { errors: ["Not a valid string."] };
      let v = String(value);
      if (s.format !== "password") v = v.trim();
      if (v === "" && (s.minLength ?? 0) >= 1) return { errors: ["This field may not be blank."] };
      if (v === "" && !s.format && !s.enum) return { value: v };
      const errs: string[] = [];
      if (s.minLength !== undefined && v.length < s.minLength) errs.push(`Ensure this field has at least ${s.minLength} characters.`);
      if (s.maxLength !== undefined && v.length > s.maxLength) errs.push(`Ensure this field has no more than ${s.maxLength} characters.`);
      if (errs.length) return { errors: errs };
      if (Array.isArray(s.enum) && !s.enum.includes(v)) return { errors: [`"${v}" is not a valid choice.`] };
      if (s.format === "uuid" && !UUID.test(v)) return { errors: [`“${v}” is not a valid UUID.`] };
      if (s.format === "uri" && v !== "" && !isUrl(v)) return { errors: ["Enter a valid URL."] };
      if (s.format === "email" && v !== "" && !EMAIL.test(v)) return { errors: ["Enter a valid email address."] };
      if (s.format === "date-time" && !DATETIME.test(v)) return { errors: ["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."] };
      if (s.pattern && !new RegExp(s.pattern.replace(/\\w/g, "[A-Za-z0-9_]"), "u").test(v)) return { errors: [patternMessage(s.pattern)] };
      if (isDurationProperty(s.description)) {
        const d = parseDuration(v);
        if (!d.ok && d.overflow) ctx.serverError = `OverflowError in timedelta_from_string(${JSON.stringify(v)})`;
        if (!d.ok) return { errors: [durationMessage(v)] };
      }
      return { value: v };
    }
    case "integer": {
      let n: number | undefined;
      if (typeof value === "number" && Number.isInteger(value)) n = value;
      else if (typeof value === "string" && /^\s*[+-]?\d+(\.0*)?\s*$/.test(value)) n = parseInt(value, 10);
      if (n === undefined) return { errors: ["A valid integer is required."] };
      if (s.minimum !== undefined && n < s.minimum) return { errors: [`Ensure this value is greater than or equal to ${s.minimum}.`] };
      if (s.maximum !== undefined && n > s.maximum) return { errors: [`Ensure this value is less than or equal to ${s.maximum}.`] };
      return { value: n };
    }
    case "number": {
      const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
      if (typeof value === "boolean" || !Number.isFinite(n)) return { errors: ["A valid number is required."] };
      return { value: n };
    }
    case "boolean": {
      if (TRUE.has(value)) return { value: true };
      if (FALSE.has(value)) return { value: false };
      return { errors: ["Must be a valid boolean."] };
    }
    case "array": {
      if (!Array.isArray(value)) return { errors: [`Expected a list of items but got type "${pyType(value)}".`] };
      if (s.minItems && value.length < s.minItems) return { errors: ["This list may not be empty."] };
      const out: unknown[] = [];
      const errs: Record<string, unknown> = {};
      value.forEach((v, i) => {
        const r = validateValue(doc, s.items ?? {}, v, ctx);
        if ("errors" in r) errs[String(i)] = r.errors;
        else out.push(r.value);
      });
      return Object.keys(errs).length ? { errors: errs } : { value: out };
    }
    case "object":
    default: {
      if (s.properties) {
        const r = validateObject(doc, s, value, false);
        return r.errors ? { errors: r.errors } : { value: r.data };
      }
      if (s.type === "object" || s.additionalProperties !== undefined) {
        // authentik's JSONDictField (is_dict validator)
        if (pyType(value) !== "dict") return { errors: ["Value must be a dictionary, and not have any duplicate keys."] };
        return { value };
      }
      return { value };
    }
  }
}

function patternMessage(pattern: string): string {
  if (pattern === "^[-a-zA-Z0-9_]+$") return "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.";
  return "This value does not match the required pattern.";
}

/**
 * Validates a request body against a request schema. `partial` (PATCH) skips the required check.
 * Returns only declared fields, converted as DRF converts them.
 */
export function validateObject(doc: OpenApiDoc, raw: Schema, body: unknown, partial: boolean): Validated {
  const s = resolveSchema(doc, raw);
  if (pyType(body) !== "dict") return { data: {}, errors: { non_field_errors: [`Invalid data. Expected a dictionary, but got ${pyType(body)}.`] } };
  const input = body as Record<string, unknown>;
  const data: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  const ctx: { serverError?: string } = {};
  const required = new Set<string>(s.required ?? []);
  for (const [name, prop] of Object.entries<Schema>(s.properties ?? {})) {
    if (prop.readOnly) continue;
    if (!(name in input)) {
      if (!partial && required.has(name)) errors[name] = ["This field is required."];
      continue;
    }
    const r = validateValue(doc, { ...prop }, input[name], ctx);
    if ("errors" in r) errors[name] = r.errors;
    else data[name] = r.value;
  }
  return { data, errors: Object.keys(errors).length ? errors : undefined, serverError: ctx.serverError };
}
