/**
 * Responses built to authentik's response schemas: every property of the schema, write-only ones left
 * out, stored values as stored, read-only ones computed (semantics.ts COMPUTED), `x_obj` relations
 * rendered from the object whose pk `x` holds and shaped to the property's schema, anything else its
 * type's empty value (what the Go client needs: every required key present).
 */
import type { AuthentikApiCore } from "./core";
import { Collection, Schema, refName, resolveSchema } from "./spec";
import type { Rec } from "./store";
import { COMPONENTS } from "./model-defaults";
import { COMPUTED } from "./semantics";

/**
 * The object as the API returns it through `view` (its own collection or an "all" view): every property
 * of the view's response schema, write-only ones left out, read-only ones computed.
 */
export function render(core: AuthentikApiCore, view: Collection, rec: Rec, own: Collection = view, depth = 0): Record<string, unknown> {
  const full = renderSchema(core, own.schema, own, rec, depth);
  if (view.schema === own.schema) return full;
  return project(core, view.schema, full, depth);
}

function renderSchema(core: AuthentikApiCore, schemaName: string, col: Collection, rec: Rec, depth: number): Record<string, unknown> {
  const s = core.schema(schemaName);
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries<Schema>(s.properties ?? {})) {
    const prop = resolveSchema(core.doc, raw);
    if (prop.writeOnly) continue;
    const computed = COMPUTED[schemaName]?.[name] ?? COMPUTED["*"]?.[name];
    if (computed) out[name] = computed(core, col, rec, depth);
    else if (name in rec) out[name] = structuredClone(rec[name]);
    else if (prop.readOnly && name.endsWith("_obj")) out[name] = relation(core, rec[name.slice(0, -4)], raw, depth);
    else if (name === "component") out[name] = COMPONENTS[schemaName] ?? "";
    else out[name] = empty(core, raw, depth);
  }
  return out;
}

/** `x_obj`: the related object(s) whose pk(s) `x` holds, shaped to the property's schema. */
function relation(core: AuthentikApiCore, pks: unknown, raw: Schema, depth: number): unknown {
  const prop = resolveSchema(core.doc, raw);
  const target = prop.type === "array" ? prop.items?.$ref : raw.$ref ?? raw.allOf?.[0]?.$ref;
  const render = (pk: unknown) => {
    if (!target || depth > 2) return undefined;
    const hit = core.findAnywhere(pk, refName(target));
    return hit ? project(core, refName(target), renderSchema(core, hit.col.schema, hit.col, hit.rec, depth + 1), depth + 1) : undefined;
  };
  if (prop.type === "array") return ([] as unknown[]).concat(pks ?? []).map(render).filter((x) => x !== undefined);
  const one = render(pks);
  return one ?? (prop.nullable ? null : empty(core, raw, depth));
}

/** Keeps the properties of schema `name`, filling required ones it lacks with their empty value. */
export function project(core: AuthentikApiCore, name: string, full: Record<string, unknown>, depth: number): Record<string, unknown> {
  const s = core.schema(name);
  const out: Record<string, unknown> = {};
  for (const [k, raw] of Object.entries<Schema>(s.properties ?? {})) {
    if (resolveSchema(core.doc, raw).writeOnly) continue;
    if (k in full) out[k] = full[k];
    else out[k] = empty(core, raw, depth);
  }
  return out;
}

/** The empty value of a schema: null when nullable, [] / {} / "" / 0 / false, required sub-properties filled. */
export function empty(core: AuthentikApiCore, raw: Schema, depth = 0): unknown {
  const s = resolveSchema(core.doc, raw);
  if (s.nullable) return null;
  if (Array.isArray(s.enum)) return s.enum[0];
  switch (s.type) {
    case "array":
      return [];
    case "string":
      return "";
    case "integer":
    case "number":
      return 0;
    case "boolean":
      return false;
    default:
      if (s.properties && depth < 4) {
        return Object.fromEntries((s.required ?? []).map((k: string) => [k, empty(core, s.properties[k], depth + 1)]));
      }
      return {};
  }
}
