/**
 * Pure helper. PromQL label matchers built from literal values. A regex matcher is only ever built from an escaped
 * literal prefix, so a matcher cannot silently name something that doesn't exist by a typo in a regex
 * (that is how the 400-spike alert matched nothing for months).
 */

/** Escapes RE2 metacharacters so the text matches itself. */
export function escapeRegex(literal: string): string {
  return literal.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

/** A PromQL double-quoted string literal. */
export function promString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

export interface Matcher {
  readonly label: string;
  readonly op: "=" | "=~";
  /** The value as PromQL sees it (for =~, the regex). */
  readonly value: string;
}

export const eq = (label: string, value: string): Matcher => ({ label, op: "=", value });

/** label=~"<escaped prefix>.*": every value starting with the literal prefix. */
export const hasPrefix = (label: string, literalPrefix: string): Matcher => ({ label, op: "=~", value: `${escapeRegex(literalPrefix)}.*` });

/** Renders `metric{a="b", c=~"d.*"}`; labels are separated as in the live rules (", "). */
export function selector(metric: string, matchers: readonly Matcher[], separator = ", "): string {
  return `${metric}{${matchers.map((m) => `${m.label}${m.op}${promString(m.value)}`).join(separator)}}`;
}

/** Whether a matcher accepts a label value, with Prometheus semantics (regex anchored at both ends). */
export function matcherAccepts(m: Matcher, value: string): boolean {
  if (m.op === "=") return m.value === value;
  return new RegExp(`^(?:${m.value})$`).test(value);
}
