/**
 * Terraform's jsonencode(), reproduced: object keys sorted, no white space, and Go's HTML-safe
 * escaping of <, >, & and U+2028/U+2029. Strings a provider stores as JSON (the outpost config) are
 * compared as text, so the synthesized literal must be exactly what jsonencode() would produce.
 */
/** Escapes Terraform template sequences so a literal string stays literal in .tf.json. */
export function literalTemplate(text: string): string {
  // function replacements: in a replacement string "$$" would mean a single "$"
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** The inverse of literalTemplate: the text Terraform sees. */
export function unescapeTemplate(text: string): string {
  return text.replace(/\$\$\{/g, () => "${").replace(/%%\{/g, () => "%{");
}

export function tfJsonEncode(value: unknown): string {
  return encode(value);
}

function encodeString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (ch) => "\\u" + ch.charCodeAt(0).toString(16).padStart(4, "0"));
}

function encode(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return encodeString(v);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`cannot encode ${v}`);
    return JSON.stringify(v);
  }
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) return `[${v.map(encode).join(",")}]`;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${encodeString(k)}:${encode(o[k])}`).join(",")}}`;
  }
  throw new Error(`cannot encode a ${typeof v}`);
}
