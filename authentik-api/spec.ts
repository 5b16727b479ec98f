/**
 * The route table of the loopback authentik API, derived from authentik's own OpenAPI description
 * (the trimmed copy in openapi/authentik-2026.2.json, produced by scripts/trim-openapi.js). Nothing here
 * knows about particular endpoints: a collection is a path `/x/` whose GET answers a Paginated*List, its
 * item path is `/x/{param}/`, the schemas come from the operations' request and response bodies.
 */
import * as fs from "fs";
import * as path from "path";

export type Schema = Record<string, any>;
export interface OpenApiDoc {
  "x-source": Record<string, string>;
  info: { version: string };
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, Schema> };
}

export interface QueryParam {
  name: string;
  schema: Schema;
}

export interface Collection {
  /** path below /api/v3, e.g. "/providers/proxy/" */
  path: string;
  /** e.g. "/providers/proxy/{id}/" */
  itemPath?: string;
  /** the item path's parameter, e.g. "id", "slug", "stage_uuid" */
  idParam?: string;
  /** the object field the item path looks up: "slug" when the parameter is a slug, else "pk" */
  lookupField: string;
  /** response schema name, e.g. "ProxyProvider" */
  schema: string;
  /** request schemas for create/update and partial update */
  requestSchema?: string;
  patchSchema?: string;
  /** the operations the spec declares: list, create, retrieve, update, partial_update, destroy */
  ops: Set<string>;
  /** query parameters the spec lists for the list operation */
  listParams: QueryParam[];
  /** collections sharing one integer pk sequence and one `/x/all/` view: the first path segment */
  family: string;
  /** a polymorphic `/x/all/` view over its siblings */
  isAllView: boolean;
  /** English model name for "No X matches the given query." */
  modelName: string;
}

/** An operation the generic CRUD does not cover (an action such as add_user, or a singleton GET). */
export interface ActionRoute {
  path: string;
  method: string;
  operationId: string;
  requestSchema?: string;
  /** operation-level security: [] entries mean anonymous access is allowed */
  allowsAnonymous: boolean;
  pathParams: string[];
}

const SPEC_FILE = "authentik-2026.2.json";

/** Finds the committed spec from the source tree or from dist/ (both keep authentik-api/openapi/). */
export function specPath(): string {
  let dir = __dirname;
  for (let i = 0; i < 4; i++) {
    for (const candidate of [path.join(dir, "openapi", SPEC_FILE), path.join(dir, "authentik-api", "openapi", SPEC_FILE)]) {
      if (fs.existsSync(candidate)) return candidate;
    }
    dir = path.dirname(dir);
  }
  throw new Error(`authentik-api/openapi/${SPEC_FILE} not found above ${__dirname}; regenerate it with node scripts/trim-openapi.js`);
}

let cached: OpenApiDoc | undefined;
export function loadSpec(file = specPath()): OpenApiDoc {
  if (!cached || file !== specPath()) cached = JSON.parse(fs.readFileSync(file, "utf8")) as OpenApiDoc;
  return cached;
}

export function refName(ref: string): string {
  return ref.replace(/^#\/components\/schemas\//, "");
}

function bodyRef(op: any): string | undefined {
  const s = op?.requestBody?.content?.["application/json"]?.schema;
  return s?.$ref ? refName(s.$ref) : undefined;
}

function responseRef(op: any, status: string): string | undefined {
  const s = op?.responses?.[status]?.content?.["application/json"]?.schema;
  return s?.$ref ? refName(s.$ref) : undefined;
}

function allowsAnonymous(op: any): boolean {
  return Array.isArray(op?.security) && op.security.some((s: object) => Object.keys(s).length === 0);
}

/** "ProxyProvider" -> "ProxyProvider" (DRF says "No ProxyProvider matches the given query."). */
function modelNameOf(schema: string): string {
  return schema;
}

export interface RouteTable {
  doc: OpenApiDoc;
  collections: Collection[];
  actions: ActionRoute[];
}

export function buildRoutes(doc: OpenApiDoc = loadSpec()): RouteTable {
  const collections: Collection[] = [];
  const claimed = new Set<string>();
  for (const [p, item] of Object.entries(doc.paths)) {
    if (p.includes("{")) continue;
    const list = item.get;
    const page = responseRef(list, "200");
    if (!page || !page.startsWith("Paginated")) continue;
    const schema = refName(doc.components.schemas[page].properties.results.items.$ref);
    const itemPath = Object.keys(doc.paths).find((q) => q.startsWith(p) && /^\{[a-z_]+\}\/$/.test(q.slice(p.length)));
    const idParam = itemPath ? itemPath.slice(p.length).replace(/[{}/]/g, "") : undefined;
    const ops = new Set<string>(["list"]);
    if (item.post) ops.add("create");
    const it = itemPath ? doc.paths[itemPath] : {};
    if (it.get) ops.add("retrieve");
    if (it.put) ops.add("update");
    if (it.patch) ops.add("partial_update");
    if (it.delete) ops.add("destroy");
    claimed.add(`get ${p}`).add(`post ${p}`);
    if (itemPath) for (const m of ["get", "put", "patch", "delete"]) claimed.add(`${m} ${itemPath}`);
    collections.push({
      path: p,
      itemPath,
      idParam,
      lookupField: idParam === "slug" ? "slug" : "pk",
      schema,
      requestSchema: bodyRef(item.post) ?? bodyRef(it.put),
      patchSchema: bodyRef(it.patch),
      ops,
      listParams: (list.parameters ?? []).filter((q: any) => q.in === "query").map((q: any) => ({ name: q.name, schema: q.schema ?? {} })),
      family: p.split("/")[1],
      isAllView: /\/all\/$/.test(p),
      modelName: modelNameOf(schema),
    });
  }
  const actions: ActionRoute[] = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method) || claimed.has(`${method} ${p}`)) continue;
      actions.push({
        path: p,
        method: method.toUpperCase(),
        operationId: op.operationId,
        requestSchema: bodyRef(op),
        allowsAnonymous: allowsAnonymous(op),
        pathParams: [...p.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]),
      });
    }
  }
  return { doc, collections, actions };
}

/** Resolves $ref, single-element allOf and merges the wrapper's own keys (nullable, readOnly, description). */
export function resolveSchema(doc: OpenApiDoc, s: Schema | undefined): Schema {
  if (!s) return {};
  if (s.$ref) return { ...resolveSchema(doc, doc.components.schemas[refName(s.$ref)]), ...omit(s, ["$ref"]) };
  if (Array.isArray(s.allOf) && s.allOf.length === 1) return { ...resolveSchema(doc, s.allOf[0]), ...omit(s, ["allOf"]) };
  return s;
}

function omit(s: Schema, keys: string[]): Schema {
  return Object.fromEntries(Object.entries(s).filter(([k]) => !keys.includes(k)));
}
