/**
 * Parsing JSON that comes from outside (files, terraform, kubectl) into one-line InputErrors: empty text,
 * malformed JSON and nesting deeper than any real document (which would overflow the stack of the
 * recursive code that walks it) are refused before anything reads the value.
 */
import { InputError } from "./errors";

/** Deeper nesting than this is refused (a Terraform plan nests ~20 levels; Kubernetes objects ~15). */
export const MAX_JSON_DEPTH = 200;

/** The maximum nesting depth of JSON text, by scanning (no recursion; strings and escapes skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

export interface JsonTextOptions {
  /** The text may hold secrets (a terraform plan): never quote it in messages. @default false */
  readonly secret?: boolean;
}

/**
 * Parses JSON text from `what` (a file name or "terraform show -json"); throws InputError with one line
 * naming it, what was seen and what is allowed.
 */
export function parseJsonText(text: string, what: string, maxDepth = MAX_JSON_DEPTH, o: JsonTextOptions = {}): unknown {
  if (text.trim() === "") throw new InputError(`${what}: empty; allowed: a JSON document`);
  const depth = jsonDepth(text);
  if (depth > maxDepth) throw new InputError(`${what}: JSON nested ${depth} levels deep; allowed: at most ${maxDepth} levels`);
  try {
    return JSON.parse(text);
  } catch (e) {
    const seen = o.secret ? `${text.length} characters (not shown: may hold secrets)` : preview(text);
    throw new InputError(`${what}: not JSON (${(e as Error).message.split("\n")[0]}); seen: ${seen}`);
  }
}

/** Parses JSON text that must be an object (not an array, string, number or null). */
export function parseJsonObject(text: string, what: string, maxDepth = MAX_JSON_DEPTH, o: JsonTextOptions = {}): Record<string, unknown> {
  const v = parseJsonText(text, what, maxDepth, o);
  if (o.secret && (v === null || typeof v !== "object" || Array.isArray(v))) throw new InputError(`${what}: ${v === null ? "null" : Array.isArray(v) ? "an array" : `a ${typeof v}`} where a JSON object is required`);
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new InputError(`${what}: ${describeJson(v)} where a JSON object is required`);
  return v as Record<string, unknown>;
}

/** "an array", "a string (\"abc\")", "null", ...: how a value is named in messages. */
export function describeJson(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "missing";
  if (Array.isArray(v)) return `an array (${v.length} item(s))`;
  if (typeof v === "string") return `a string (${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)})`;
  if (typeof v === "object") return "an object";
  return `a ${typeof v} (${String(v)})`;
}

/** The first characters of a text, on one line, for "seen:" in messages. */
export function preview(text: string, n = 60): string {
  const one = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(one.length > n ? one.slice(0, n) + "…" : one);
}
