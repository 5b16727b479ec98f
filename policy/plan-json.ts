/** Pure readers over `terraform show -json` resource changes, shared by the rules. */
import { isDeepStrictEqual } from "util";
import { parse } from "yaml";
import { ResourceChange } from "./types";

export type ChangeKind = "no-op" | "create" | "read" | "update" | "delete" | "replace" | "forget";

/** The kind of one resource change, from its actions (terraform's documented combinations). */
export function changeKind(rc: ResourceChange): ChangeKind | undefined {
  const a = [...rc.change.actions].sort().join(",");
  return Object.hasOwn(KINDS, a) ? KINDS[a] : undefined;
}

/** Sorted action lists terraform documents, and the change they make. */
const KINDS: Readonly<Record<string, ChangeKind>> = {
  "no-op": "no-op",
  create: "create",
  read: "read",
  update: "update",
  delete: "delete",
  forget: "forget",
  "create,delete": "replace",
  "create,forget": "replace", // terraform 1.7+: replace an object whose old instance is only forgotten
};

/** Terraform's action strings (terraform's plan JSON format, `change.actions`). */
export const KNOWN_ACTIONS: ReadonlySet<string> = new Set(["no-op", "create", "read", "update", "delete", "forget"]);

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === "" || (Array.isArray(v) ? v.length === 0 : typeof v === "object" && Object.keys(v as object).length === 0);
}

/**
 * Top-level attributes whose planned value differs from the current one and is known at plan time
 * (an attribute unknown after apply is the provider recomputing, e.g. helm_release.metadata). Unset and
 * empty count as equal, as SDKv2 providers store them.
 */
export function changedAttributes(rc: ResourceChange): string[] {
  const before = rc.change.before ?? {};
  const after = rc.change.after ?? {};
  const unknown = rc.change.after_unknown ?? {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => unknown[k] !== true && !isDeepStrictEqual(before[k], after[k]) && !(isEmpty(before[k]) && isEmpty(after[k]))).sort();
}

/** A replace_paths entry as text: [["metadata", 0, "name"]] -> metadata[0].name */
export function pathText(p: ReadonlyArray<string | number>): string {
  return p.map((s, i) => (typeof s === "number" ? `[${s}]` : i ? `.${s}` : s)).join("");
}

export class ValuesParseError extends Error {}

/**
 * A helm_release's values, merged as Helm merges its `values` list (later documents override earlier
 * ones key by key), then its `set` entries. Throws ValuesParseError for a text that isn't YAML mapping.
 */
export function releaseValues(attrs: any): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  const texts: unknown[] = Array.isArray(attrs?.values) ? attrs.values : [];
  texts.forEach((t, i) => {
    if (typeof t !== "string") throw new ValuesParseError(`values[${i}] is not text`);
    let doc: unknown;
    try {
      doc = parse(t);
    } catch (e) {
      throw new ValuesParseError(`values[${i}] is not YAML (${(e as Error).message.split("\n")[0]})`);
    }
    if (doc === null) return; // an empty document (or only comments): yaml's parse gives null
    if (typeof doc !== "object" || Array.isArray(doc)) throw new ValuesParseError(`values[${i}] is not a YAML mapping`);
    mergeInto(merged, doc as Record<string, unknown>);
  });
  if (Array.isArray(attrs?.set)) {
    for (const s of attrs.set) {
      if (typeof s?.name !== "string") continue;
      setPath(merged, s.name.split(/(?<!\\)\./).map((k: string) => k.replace(/\\\./g, ".")), s.value);
    }
  }
  return merged;
}

function mergeInto(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) {
    const cur = into[k];
    if (v && typeof v === "object" && !Array.isArray(v) && cur && typeof cur === "object" && !Array.isArray(cur)) mergeInto(cur as Record<string, unknown>, v as Record<string, unknown>);
    else into[k] = v;
  }
}

function setPath(into: Record<string, unknown>, keys: string[], value: unknown): void {
  let cur: any = into;
  keys.slice(0, -1).forEach((k) => {
    if (!cur[k] || typeof cur[k] !== "object") cur[k] = {};
    cur = cur[k];
  });
  cur[keys[keys.length - 1]] = value;
}

/** Same parsed values in both texts, though the text differs? */
export function valuesTextOnly(before: any, after: any): boolean {
  if (isDeepStrictEqual(before?.values, after?.values) && isDeepStrictEqual(before?.set, after?.set)) return false;
  try {
    return isDeepStrictEqual(releaseValues(before), releaseValues(after));
  } catch {
    return false;
  }
}

/** Reads a nested value: get(obj, "global.image.tag"). */
export function get(obj: unknown, dotted: string): unknown {
  return dotted.split(".").reduce<any>((o, k) => (o && typeof o === "object" ? o[k] : undefined), obj);
}
