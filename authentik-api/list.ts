/**
 * Listing a collection as authentik does: django-filter semantics for the query parameters the spec
 * declares (`field`, `field__iexact|icontains|isnull|in|...`, `relation__field__lookup`, `x_by_y`; any
 * other parameter is ignored, as django-filter ignores it), `search`, `ordering`, and authentik's
 * pagination (authentik/api/pagination.py: page/page_size, the `pagination` object, 404 "Invalid page.").
 */
import type { ApiResponse, AuthentikApiCore } from "./core";
import type { Collection } from "./spec";
import type { Rec } from "./store";
import { COMPUTED } from "./semantics";

/** authentik's REST_FRAMEWORK PAGE_SIZE */
export const PAGE_SIZE = 100;

export function listCollection(core: AuthentikApiCore, c: Collection, q: URLSearchParams): ApiResponse {
  let items: Array<{ col: Collection; rec: Rec }> = core.members(c).flatMap((m) => core.store.all(m.path).map((rec) => ({ col: m, rec })));
  const declared = new Set(c.listParams.map((x) => x.name));
  for (const key of new Set(q.keys())) {
    if (["page", "page_size", "ordering", "search", "format"].includes(key) || !declared.has(key)) continue; // django-filter ignores undeclared params
    const values = q.getAll(key);
    items = items.filter(({ col, rec }) => matches(core, col, rec, key, values));
  }
  const search = q.get("search");
  if (search) {
    const s = search.toLowerCase();
    items = items.filter(({ col, rec }) => Object.values(core.render(c, rec, col)).some((v) => typeof v === "string" && v.toLowerCase().includes(s)));
  }
  const ordering = q.get("ordering");
  if (ordering) {
    const keys = ordering.split(",").map((k) => k.trim()).filter(Boolean);
    items.sort((a, b) => {
      for (const k of keys) {
        const desc = k.startsWith("-");
        const f = desc ? k.slice(1) : k;
        const x = a.rec[f] as any;
        const y = b.rec[f] as any;
        if (x === y) continue;
        const cmp = x === undefined || x === null ? -1 : y === undefined || y === null ? 1 : x < y ? -1 : 1;
        return desc ? -cmp : cmp;
      }
      return 0;
    });
  }
  const pageSize = Math.max(1, parseInt(q.get("page_size") ?? "", 10) || PAGE_SIZE);
  const count = items.length;
  const totalPages = Math.max(1, Math.ceil(count / pageSize));
  const page = parseInt(q.get("page") ?? "1", 10);
  if (!(page >= 1 && page <= totalPages)) return { status: 404, body: { detail: "Invalid page." } };
  const slice = items.slice((page - 1) * pageSize, page * pageSize);
  return {
    status: 200,
    body: {
      pagination: {
        next: page < totalPages ? page + 1 : 0,
        previous: page > 1 ? page - 1 : 0,
        count,
        current: page,
        total_pages: totalPages,
        start_index: count === 0 ? 0 : (page - 1) * pageSize + 1,
        end_index: count === 0 ? 0 : (page - 1) * pageSize + slice.length,
      },
      results: slice.map(({ col, rec }) => core.render(c, rec, col)),
      autocomplete: {},
    },
  };
}

/** django-filter semantics for `field`, `field__lookup`, `relation__field__lookup`, `x_by_y`. */
function matches(core: AuthentikApiCore, col: Collection, rec: Rec, key: string, values: string[]): boolean {
  const LOOKUPS = ["iexact", "icontains", "isnull", "in", "exact", "startswith", "gt", "gte", "lt", "lte"];
  const parts = key.split("__");
  const lookup = LOOKUPS.includes(parts[parts.length - 1]) ? parts.pop()! : "exact";
  const by = /^(.+)_by_(.+)$/.exec(parts[0]);
  let candidates: unknown[];
  if (parts.length === 1 && by && !(parts[0] in rec)) {
    const field = by[1] === "members" ? "users" : by[1];
    const related = ([] as unknown[]).concat(fieldValue(core, col, rec, field) ?? []);
    candidates = related.map((pk) => (by[2] === "pk" ? pk : core.findAnywhere(pk)?.rec[by[2]]));
    return values.some((v) => candidates.some((x) => String(x) === v));
  }
  let cur: unknown[] = [fieldValue(core, col, rec, parts[0])];
  for (const seg of parts.slice(1)) cur = cur.flatMap((v) => ([] as unknown[]).concat(v ?? []).map((pk) => core.findAnywhere(pk)?.rec[seg]));
  candidates = cur.flatMap((v) => (Array.isArray(v) ? v : [v]));
  const str = (x: unknown) => (typeof x === "boolean" ? (x ? "true" : "false") : x === null || x === undefined ? "" : String(x));
  const norm = (v: string) => (v === "True" ? "true" : v === "False" ? "false" : v);
  switch (lookup) {
    case "isnull":
      return values.every((v) => (norm(v) === "true") === candidates.every((x) => x === null || x === undefined));
    case "iexact":
      return values.some((v) => candidates.some((x) => str(x).toLowerCase() === v.toLowerCase()));
    case "icontains":
      return values.some((v) => candidates.some((x) => str(x).toLowerCase().includes(v.toLowerCase())));
    case "startswith":
      return values.some((v) => candidates.some((x) => str(x).startsWith(v)));
    case "in":
      return values.flatMap((v) => v.split(",")).some((v) => candidates.some((x) => str(x) === v));
    default:
      return values.some((v) => candidates.some((x) => str(x) === norm(v) || str(x).toLowerCase() === norm(v).toLowerCase() && typeof x === "boolean"));
  }
}

/** A field as the API shows it (stored, or computed such as a user's groups). */
function fieldValue(core: AuthentikApiCore, col: Collection, rec: Rec, field: string): unknown {
  if (field in rec) return rec[field];
  const computed = COMPUTED[col.schema]?.[field] ?? COMPUTED["*"]?.[field];
  return computed ? computed(core, col, rec) : undefined;
}
