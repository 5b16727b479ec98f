/**
 * The request engine of the loopback authentik API, independent of HTTP: given a method, a path below
 * /api/v3, the query, the body and the Authorization header, it answers what authentik 2026.2 answers.
 * Generic CRUD over every collection of the OpenAPI description (spec.ts), DRF validation (validate.ts),
 * responses built to the response schemas; the few behaviours beyond CRUD live in semantics.ts.
 */
import { randomBytes, randomUUID } from "crypto";
import { EventEmitter } from "events";
import { ActionRoute, Collection, OpenApiDoc, RouteTable, Schema, buildRoutes, loadSpec, refName, resolveSchema } from "./spec";
import { validateObject } from "./validate";
import { Change, Rec, Store } from "./store";
import { COMPONENTS, MODEL_DEFAULTS, UNIQUE_FIELDS } from "./model-defaults";
import { ACTIONS, COMPUTED, SemanticContext, validateSemantics } from "./semantics";

export interface ApiResponse {
  status: number;
  body?: unknown;
}

export interface CoreOptions {
  /** API tokens accepted as `Authorization: Bearer <token>` */
  tokens: string[];
  /** JSON state file (read at start when present, written after every change) */
  stateFile?: string;
  /** the Kubernetes namespace default_settings reports (authentik reports its pod's namespace) */
  namespace?: string;
  doc?: OpenApiDoc;
}

/** authentik's REST_FRAMEWORK PAGE_SIZE */
export const PAGE_SIZE = 100;

export class ApiError extends Error {
  constructor(readonly status: number, readonly body: unknown) {
    super(typeof body === "object" ? JSON.stringify(body) : String(body));
  }
}

export class AuthentikApiCore extends EventEmitter {
  readonly routes: RouteTable;
  readonly store: Store;
  readonly doc: OpenApiDoc;
  private readonly tokens: Set<string>;
  readonly namespace: string;

  constructor(opts: CoreOptions) {
    super();
    this.doc = opts.doc ?? loadSpec();
    this.routes = buildRoutes(this.doc);
    this.store = new Store(opts.stateFile);
    this.tokens = new Set(opts.tokens);
    this.namespace = opts.namespace ?? "default";
  }

  collection(p: string): Collection | undefined {
    return this.routes.collections.find((c) => c.path === p);
  }

  /** Concrete (non-"all") collections of a family, e.g. every /providers/x/ for /providers/all/. */
  members(c: Collection): Collection[] {
    if (!c.isAllView) return [c];
    const prefix = c.path.replace(/all\/$/, "");
    return this.routes.collections.filter((m) => !m.isAllView && m.path.startsWith(prefix));
  }

  schema(name: string): Schema {
    return resolveSchema(this.doc, this.doc.components.schemas[name]);
  }

  // ------------------------------------------------------------------ auth (authentik/api/authentication.py)

  /**
   * Returns null when authenticated, else the refusal. authentik's TokenAuthentication defines no
   * WWW-Authenticate header, so DRF answers 403 (not 401) both for a missing and for a bad token.
   */
  authenticate(header: string | undefined, anonymousOk: boolean): ApiResponse | null {
    const h = (header ?? "").trim();
    if (h === "" || !h.includes(" ")) return anonymousOk ? null : { status: 403, body: { detail: "Authentication credentials were not provided." } };
    const i = h.indexOf(" ");
    const type = h.slice(0, i);
    const cred = h.slice(i + 1);
    if (type.toLowerCase() !== "bearer") return { status: 403, body: { detail: "Unsupported authentication type" } };
    if (cred === "") return { status: 403, body: { detail: "Malformed header" } };
    if (!this.tokens.has(cred)) return { status: 403, body: { detail: "Token invalid/expired" } };
    return null;
  }

  // ------------------------------------------------------------------ dispatch

  handle(method: string, apiPath: string, query: URLSearchParams, body: unknown, authorization: string | undefined, baseUrl = "http://127.0.0.1"): ApiResponse {
    try {
      return this.dispatch(method.toUpperCase(), apiPath, query, body, authorization, baseUrl);
    } catch (e) {
      if (e instanceof ApiError) return { status: e.status, body: e.body };
      throw e;
    }
  }

  private dispatch(method: string, p: string, query: URLSearchParams, body: unknown, authorization: string | undefined, baseUrl: string): ApiResponse {
    const action = this.matchAction(method, p);
    if (action) {
      const refused = this.authenticate(authorization, action.route.allowsAnonymous);
      if (refused) return refused;
      const impl = ACTIONS[action.route.operationId];
      if (!impl) return { status: 501, body: { detail: `${action.route.operationId} is in authentik's API but not implemented by the loopback stand-in` } };
      return impl(this.context(baseUrl), action.params, body, query);
    }
    for (const c of this.routes.collections) {
      if (p === c.path) {
        const refused = this.authenticate(authorization, false);
        if (refused) return refused;
        if (method === "GET") return this.list(c, query);
        if (method === "POST" && c.ops.has("create")) return this.create(c, body, baseUrl);
        return notAllowed(method);
      }
      if (c.itemPath && p.startsWith(c.path) && /^[^/]+\/$/.test(p.slice(c.path.length))) {
        const refused = this.authenticate(authorization, false);
        if (refused) return refused;
        const id = decodeURIComponent(p.slice(c.path.length, -1));
        if (method === "GET" && c.ops.has("retrieve")) return { status: 200, body: this.render(c, this.find(c, id).rec, this.find(c, id).col) };
        if (method === "PUT" && c.ops.has("update")) return this.update(c, id, body, false, baseUrl);
        if (method === "PATCH" && c.ops.has("partial_update")) return this.update(c, id, body, true, baseUrl);
        if (method === "DELETE" && c.ops.has("destroy")) return this.destroy(c, id);
        return notAllowed(method);
      }
    }
    return { status: 404, body: { detail: "Not found." } };
  }

  private matchAction(method: string, p: string): { route: ActionRoute; params: Record<string, string> } | undefined {
    for (const route of this.routes.actions) {
      if (route.method !== method) continue;
      const re = new RegExp("^" + route.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[a-z_]+\}/g, "([^/]+)") + "$");
      const m = re.exec(p);
      if (m) return { route, params: Object.fromEntries(route.pathParams.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
    }
    return undefined;
  }

  context(baseUrl: string): SemanticContext {
    return { core: this, baseUrl };
  }

  // ------------------------------------------------------------------ lookups

  /** The object at an item path: by slug for slug paths, else by pk; "all" views search their members. */
  find(c: Collection, id: string): { col: Collection; rec: Rec } {
    for (const m of this.members(c)) {
      const rec = c.lookupField === "pk" ? this.store.get(m.path, id) : this.store.all(m.path).find((r) => String(r[c.lookupField]) === id);
      if (rec) return { col: m, rec };
    }
    throw new ApiError(404, { detail: `No ${c.modelName} matches the given query.` });
  }

  /** Any stored object with this pk, preferring collections whose schema (or family view) is `schemaName`. */
  findAnywhere(pk: unknown, schemaName?: string): { col: Collection; rec: Rec } | undefined {
    if (pk === null || pk === undefined) return undefined;
    const cols = this.routes.collections.filter((c) => !c.isAllView);
    const score = (c: Collection) => (schemaName && (c.schema === schemaName || this.routes.collections.some((a) => a.isAllView && a.schema === schemaName && this.members(a).includes(c))) ? 0 : 1);
    for (const c of [...cols].sort((a, b) => score(a) - score(b))) {
      if (schemaName && score(c) === 1 && cols.some((x) => score(x) === 0)) break;
      const rec = this.store.get(c.path, String(pk));
      if (rec) return { col: c, rec };
    }
    return undefined;
  }

  // ------------------------------------------------------------------ list

  private list(c: Collection, q: URLSearchParams): ApiResponse {
    let items: Array<{ col: Collection; rec: Rec }> = this.members(c).flatMap((m) => this.store.all(m.path).map((rec) => ({ col: m, rec })));
    const declared = new Set(c.listParams.map((x) => x.name));
    for (const key of new Set(q.keys())) {
      if (["page", "page_size", "ordering", "search", "format"].includes(key) || !declared.has(key)) continue; // django-filter ignores undeclared params
      const values = q.getAll(key);
      items = items.filter(({ col, rec }) => this.matches(col, rec, key, values));
    }
    const search = q.get("search");
    if (search) {
      const s = search.toLowerCase();
      items = items.filter(({ col, rec }) => Object.values(this.render(c, rec, col)).some((v) => typeof v === "string" && v.toLowerCase().includes(s)));
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
        results: slice.map(({ col, rec }) => this.render(c, rec, col)),
        autocomplete: {},
      },
    };
  }

  /** django-filter semantics for `field`, `field__lookup`, `relation__field__lookup`, `x_by_y`. */
  private matches(col: Collection, rec: Rec, key: string, values: string[]): boolean {
    const LOOKUPS = ["iexact", "icontains", "isnull", "in", "exact", "startswith", "gt", "gte", "lt", "lte"];
    const parts = key.split("__");
    const lookup = LOOKUPS.includes(parts[parts.length - 1]) ? parts.pop()! : "exact";
    const by = /^(.+)_by_(.+)$/.exec(parts[0]);
    let candidates: unknown[];
    if (parts.length === 1 && by && !(parts[0] in rec)) {
      const field = by[1] === "members" ? "users" : by[1];
      const related = ([] as unknown[]).concat(this.fieldValue(col, rec, field) ?? []);
      candidates = related.map((pk) => (by[2] === "pk" ? pk : this.findAnywhere(pk)?.rec[by[2]]));
      return values.some((v) => candidates.some((x) => String(x) === v));
    }
    let cur: unknown[] = [this.fieldValue(col, rec, parts[0])];
    for (const seg of parts.slice(1)) cur = cur.flatMap((v) => ([] as unknown[]).concat(v ?? []).map((pk) => this.findAnywhere(pk)?.rec[seg]));
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
  private fieldValue(col: Collection, rec: Rec, field: string): unknown {
    if (field in rec) return rec[field];
    const computed = COMPUTED[col.schema]?.[field] ?? COMPUTED["*"]?.[field];
    return computed ? computed(this, col, rec) : undefined;
  }

  // ------------------------------------------------------------------ create / update / delete

  /** Validates a body for collection `c`; throws the 400 (or the 500 authentik would raise). */
  validate(c: Collection, body: unknown, partial: boolean, existing?: Rec): Record<string, unknown> {
    const schemaName = partial ? c.patchSchema ?? c.requestSchema : c.requestSchema;
    if (!schemaName) throw new ApiError(405, { detail: "Method not allowed." });
    const v = validateObject(this.doc, { $ref: `#/components/schemas/${schemaName}` }, body, partial);
    if (v.serverError) throw new ApiError(500, { detail: "A server error occurred.", stand_in_note: v.serverError });
    const errors: Record<string, unknown> = { ...(v.errors ?? {}) };
    for (const [field, msgs] of Object.entries(validateSemantics(this, c, v.data, body as Record<string, unknown>, existing))) {
      if (!(field in errors)) errors[field] = msgs;
    }
    for (const u of UNIQUE_FIELDS) {
      if (!u.field || !c.path.startsWith(u.pathPrefix) || !(u.field in v.data) || field_in(errors, u.field)) continue;
      const family = this.routes.collections.filter((x) => !x.isAllView && x.path.startsWith(u.pathPrefix) && !UNIQUE_FIELDS.some((o) => o.pathPrefix.length > u.pathPrefix.length && x.path.startsWith(o.pathPrefix)));
      const clash = family.some((f) => this.store.all(f.path).some((r) => r[u.field] === v.data[u.field] && (!existing || r.pk !== existing.pk)));
      if (clash) errors[u.field] = [u.message];
    }
    if (Object.keys(errors).length) throw new ApiError(400, errors);
    return v.data;
  }

  newPk(c: Collection): string | number {
    const pk = this.schema(c.schema).properties?.pk;
    return pk?.type === "integer" ? this.store.nextInt(c.family) : randomUUID();
  }

  /** Server-assigned values a new object gets besides its pk. */
  private serverFields(c: Collection, pk: string | number): Record<string, unknown> {
    const props = this.schema(c.schema).properties ?? {};
    const out: Record<string, unknown> = {};
    if ("client_id" in props) out.client_id = randomBytes(20).toString("hex");
    if ("uuid" in props && props.uuid.readOnly) out.uuid = randomUUID();
    if ("num_pk" in props) out.num_pk = this.store.nextInt(c.family);
    if ("date_joined" in props) out.date_joined = new Date().toISOString();
    if ("policybindingmodel_ptr_id" in props) out.policybindingmodel_ptr_id = pk;
    return out;
  }

  private create(c: Collection, body: unknown, _baseUrl: string): ApiResponse {
    const data = this.validate(c, body, false);
    const pk = this.newPk(c);
    const rec: Rec = { ...structuredClone(MODEL_DEFAULTS[c.schema] ?? {}), ...this.serverFields(c, pk), ...data, pk };
    this.store.put(c.path, rec);
    this.changed("created", c, rec);
    return { status: 201, body: this.render(c, rec) };
  }

  private update(c: Collection, id: string, body: unknown, partial: boolean, _baseUrl: string): ApiResponse {
    const { col, rec } = this.find(c, id);
    const data = this.validate(col, body, partial, rec);
    const next: Rec = { ...rec, ...data, pk: rec.pk };
    this.store.put(col.path, next);
    this.changed("updated", col, next);
    return { status: 200, body: this.render(c, next, col) };
  }

  private destroy(c: Collection, id: string): ApiResponse {
    const { col, rec } = this.find(c, id);
    this.store.remove(col.path, rec.pk);
    this.changed("deleted", col, rec);
    return { status: 204 };
  }

  /** Records a change in the feed and tells in-process listeners (`core.on("change", ...)`). */
  changed(kind: Change["kind"], c: Collection, rec: Rec): void {
    const change = this.store.record({ kind, collection: c.path, pk: rec.pk, object: kind === "deleted" ? undefined : this.render(c, rec) });
    this.emit("change", change);
  }

  // ------------------------------------------------------------------ seeding

  /**
   * Loads objects: `{"objects": {"/flows/instances/": [{...}], ...}}`. Each object is validated like a
   * create (400 messages become the error, naming collection, index and field); pk and other
   * server-owned read-only values (managed, client_id, uuid) may be given and are kept.
   */
  seed(doc: unknown): number {
    const objects = (doc as any)?.objects;
    if (!objects || typeof objects !== "object") throw new Error('seed: expected {"objects": {"/collection/path/": [ {...}, ... ]}}');
    let n = 0;
    for (const [p, list] of Object.entries<any[]>(objects)) {
      const c = this.collection(p);
      if (!c || c.isAllView || !c.ops.has("create")) throw new Error(`seed: ${p} is not a collection the stand-in serves; allowed: ${this.routes.collections.filter((x) => !x.isAllView).map((x) => x.path).join(", ")}`);
      if (!Array.isArray(list)) throw new Error(`seed: ${p} must be a list of objects`);
      list.forEach((obj, i) => {
        let data: Record<string, unknown>;
        try {
          // a seeded object is validated as the server holding it would see it (e.g. a managed outpost)
          data = this.validate(c, obj, false, obj && typeof obj === "object" ? ({ ...obj, pk: obj.pk ?? "" } as Rec) : undefined);
        } catch (e) {
          if (e instanceof ApiError) throw new Error(`seed: ${p}[${i}]: ${JSON.stringify(e.body)}`);
          throw e;
        }
        const props = this.schema(c.schema).properties ?? {};
        const kept = Object.fromEntries(Object.entries(obj).filter(([k]) => props[k]?.readOnly && !k.endsWith("_obj")));
        const pkProp = props.pk;
        const pk = obj.pk ?? this.newPk(c);
        if (pkProp?.type === "integer") this.store.sawInt(c.family, Number(pk));
        const rec: Rec = { ...structuredClone(MODEL_DEFAULTS[c.schema] ?? {}), ...this.serverFields(c, pk), ...data, ...kept, pk };
        if ("managed" in obj && !props.managed?.readOnly) rec.managed = obj.managed;
        this.store.put(c.path, rec);
        this.changed("created", c, rec);
        n++;
      });
    }
    return n;
  }

  // ------------------------------------------------------------------ rendering

  /**
   * The object as the API returns it through `view` (its own collection or an "all" view): every property
   * of the view's response schema, write-only ones left out, read-only ones computed.
   */
  render(view: Collection, rec: Rec, own: Collection = view, depth = 0): Record<string, unknown> {
    const full = this.renderSchema(own.schema, own, rec, depth);
    if (view.schema === own.schema) return full;
    return this.project(view.schema, full, depth);
  }

  private renderSchema(schemaName: string, col: Collection, rec: Rec, depth: number): Record<string, unknown> {
    const s = this.schema(schemaName);
    const out: Record<string, unknown> = {};
    for (const [name, raw] of Object.entries<Schema>(s.properties ?? {})) {
      const prop = resolveSchema(this.doc, raw);
      if (prop.writeOnly) continue;
      const computed = COMPUTED[schemaName]?.[name] ?? COMPUTED["*"]?.[name];
      if (computed) out[name] = computed(this, col, rec, depth);
      else if (name in rec) out[name] = structuredClone(rec[name]);
      else if (prop.readOnly && name.endsWith("_obj")) out[name] = this.relation(rec[name.slice(0, -4)], raw, depth);
      else if (name === "component") out[name] = COMPONENTS[schemaName] ?? "";
      else out[name] = this.empty(raw, depth);
    }
    return out;
  }

  /** `x_obj`: the related object(s) whose pk(s) `x` holds, shaped to the property's schema. */
  private relation(pks: unknown, raw: Schema, depth: number): unknown {
    const prop = resolveSchema(this.doc, raw);
    const target = prop.type === "array" ? prop.items?.$ref : raw.$ref ?? raw.allOf?.[0]?.$ref;
    const render = (pk: unknown) => {
      if (!target || depth > 2) return undefined;
      const hit = this.findAnywhere(pk, refName(target));
      return hit ? this.project(refName(target), this.renderSchema(hit.col.schema, hit.col, hit.rec, depth + 1), depth + 1) : undefined;
    };
    if (prop.type === "array") return ([] as unknown[]).concat(pks ?? []).map(render).filter((x) => x !== undefined);
    const one = render(pks);
    return one ?? (prop.nullable ? null : this.empty(raw, depth));
  }

  /** Keeps the properties of schema `name`, filling required ones it lacks with their empty value. */
  project(name: string, full: Record<string, unknown>, depth: number): Record<string, unknown> {
    const s = this.schema(name);
    const out: Record<string, unknown> = {};
    for (const [k, raw] of Object.entries<Schema>(s.properties ?? {})) {
      if (resolveSchema(this.doc, raw).writeOnly) continue;
      if (k in full) out[k] = full[k];
      else out[k] = this.empty(raw, depth);
    }
    return out;
  }

  /** The empty value of a schema: null when nullable, [] / {} / "" / 0 / false, required sub-properties filled. */
  empty(raw: Schema, depth = 0): unknown {
    const s = resolveSchema(this.doc, raw);
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
          return Object.fromEntries((s.required ?? []).map((k: string) => [k, this.empty(s.properties[k], depth + 1)]));
        }
        return {};
    }
  }
}

function field_in(errors: Record<string, unknown>, f: string): boolean {
  return f in errors;
}

function notAllowed(method: string): ApiResponse {
  return { status: 405, body: { detail: `Method "${method}" not allowed.` } };
}
