/**
 * The request engine of the loopback authentik API, independent of HTTP: given a method, a path below
 * /api/v3, the query, the body and the Authorization header, it answers what authentik 2026.2 answers.
 * Generic CRUD over every collection of the OpenAPI description (spec.ts), DRF validation (validate.ts),
 * responses built to the response schemas (render.ts), listing (list.ts); the few behaviours beyond CRUD
 * live in semantics.ts.
 */
import { randomBytes, randomUUID } from "crypto";
import { EventEmitter } from "events";
import { ActionRoute, Collection, OpenApiDoc, RouteTable, Schema, buildRoutes, loadSpec, resolveSchema } from "./spec";
import { validateObject } from "./validate";
import { Change, Rec, Store } from "./store";
import { DYNAMIC_DEFAULTS, MODEL_DEFAULTS, UNIQUE_FIELDS } from "./model-defaults";
import { ACTIONS, SemanticContext, validateSemantics } from "./semantics";
import { listCollection } from "./list";
import { project, render } from "./render";

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
        if (method === "GET") return listCollection(this, c, query);
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
    return { ...out, ...(DYNAMIC_DEFAULTS[c.schema]?.() ?? {}) };
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

  /** The object as the API returns it through `view` (its own collection or an "all" view). */
  render(view: Collection, rec: Rec, own: Collection = view, depth = 0): Record<string, unknown> {
    return render(this, view, rec, own, depth);
  }

  /** Keeps the properties of schema `name`, filling required ones it lacks with their empty value. */
  project(name: string, full: Record<string, unknown>, depth: number): Record<string, unknown> {
    return project(this, name, full, depth);
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

}

function field_in(errors: Record<string, unknown>, f: string): boolean {
  return f in errors;
}

function notAllowed(method: string): ApiResponse {
  return { status: 405, body: { detail: `Method "${method}" not allowed.` } };
}
