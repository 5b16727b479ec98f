/**
 * Behaviour beyond generic CRUD, only where authentik 2026.2 has it and this project needs it; each
 * entry names the authentik source it follows:
 *  - computed read-only fields (verbose names, a proxy provider's redirect URIs and assigned application,
 *    an outpost's token identifier, a flow's bound stages, a group's children, a user's groups);
 *  - the outpost serializer (authentik/outposts/api/outposts.py): `config` checked field by field against
 *    OutpostConfig (dacite), providers must exist, be of the outpost's type and be non-empty unless the
 *    outpost is the managed embedded one, whose name cannot change; `managed` is not reset by a PUT
 *    that leaves it out (DRF skips absent optional fields) and is set when the embedded name is saved;
 *  - actions: /root/config/ (anonymous, error reporting off), /outposts/instances/default_settings/
 *    (default_outpost_config with this server's URL), /core/groups/{uuid}/add_user|remove_user/.
 */
import type { AuthentikApiCore, ApiResponse } from "./core";
import type { Collection } from "./spec";
import type { Rec } from "./store";
import { MANAGED_OUTPOST, MANAGED_OUTPOST_NAME, OUTPOST_CONFIG_FIELDS } from "./model-defaults";
import { parseDuration } from "./duration";
import { pyType } from "./validate";

export interface SemanticContext {
  core: AuthentikApiCore;
  baseUrl: string;
}

type Computed = (core: AuthentikApiCore, col: Collection, rec: Rec, depth?: number) => unknown;

function words(schema: string): string {
  return schema.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/OAuth2/, "OAuth2/OpenID");
}

function collect(core: AuthentikApiCore, prefix: string, pred: (r: Rec) => boolean): Rec[] {
  return core.routes.collections.filter((c) => !c.isAllView && c.path.startsWith(prefix)).flatMap((c) => core.store.all(c.path).filter(pred));
}

const has = (v: unknown, pk: unknown) => ([] as unknown[]).concat(v ?? []).some((x) => String(x) === String(pk));

export const COMPUTED: Record<string, Record<string, Computed>> = {
  "*": {
    verbose_name: (_c, col) => words(col.schema),
    verbose_name_plural: (_c, col) => `${words(col.schema)}s`,
    meta_model_name: (_c, col) => `authentik_${col.path.split("/")[1]}_${col.path.split("/")[2]}.${col.schema.toLowerCase()}`,
    flow_set: (core, _col, rec, depth = 0) =>
      depth > 1
        ? []
        : collect(core, "/flows/bindings/", (b) => String(b.stage) === String(rec.pk)).flatMap((b) => {
            const flow = core.store.get("/flows/instances/", String(b.target));
            if (!flow) return [];
            const f = core.render(core.collection("/flows/instances/")!, flow, undefined, depth + 1);
            return [core.project("FlowSet", f, depth + 1)];
          }),
    assigned_application_slug: (core, _col, rec) => collect(core, "/core/applications/", (a) => String(a.provider) === String(rec.pk))[0]?.slug ?? null,
    assigned_application_name: (core, _col, rec) => collect(core, "/core/applications/", (a) => String(a.provider) === String(rec.pk))[0]?.name ?? null,
    assigned_backchannel_application_slug: (core, _col, rec) => collect(core, "/core/applications/", (a) => has(a.backchannel_providers, rec.pk))[0]?.slug ?? null,
    assigned_backchannel_application_name: (core, _col, rec) => collect(core, "/core/applications/", (a) => has(a.backchannel_providers, rec.pk))[0]?.name ?? null,
    outpost_set: (core, _col, rec) => collect(core, "/outposts/instances/", (o) => has(o.providers, rec.pk)).map((o) => `Outpost ${String(o.name)}`),
  },
  // authentik/providers/proxy/models.py set_oauth_defaults(): redirect URIs from external_host
  ProxyProvider: {
    redirect_uris: (_c, _col, rec) => {
      const ext = String(rec.external_host ?? "");
      let joined = ext;
      try {
        joined = new URL("outpost.goauthentik.io/callback", ext).toString();
      } catch {
        joined = ext + "outpost.goauthentik.io/callback";
      }
      return [
        { matching_mode: "strict", url: `${joined}?X-authentik-auth-callback=true` },
        { matching_mode: "strict", url: `${ext}?X-authentik-auth-callback=true` },
      ];
    },
  },
  // authentik/outposts/models.py token_identifier; refresh_interval_s from config.refresh_interval
  Outpost: {
    token_identifier: (_c, _col, rec) => `ak-outpost-${String(rec.pk)}-api`,
    refresh_interval_s: (_c, _col, rec) => {
      const d = parseDuration(String((rec.config as any)?.refresh_interval ?? "minutes=5"));
      return d.ok ? Math.floor(d.seconds) : 300;
    },
  },
  // authentik/flows/models.py background_url; stages/policies through the bindings
  Flow: {
    background_url: (_c, _col, rec) => (rec.background ? String(rec.background) : "/static/dist/assets/images/flow_background.jpg"),
    export_url: (_c, _col, rec) => `/api/v3/flows/instances/${String(rec.slug)}/export/`,
    stages: (core, _col, rec) => collect(core, "/flows/bindings/", (b) => String(b.target) === String(rec.pk)).map((b) => b.stage),
    policies: (core, _col, rec) => collect(core, "/policies/bindings/", (b) => String(b.target) === String(rec.pk) && !!b.policy).map((b) => b.policy),
    cache_count: () => 0,
  },
  Group: {
    children: (core, _col, rec) => core.store.all("/core/groups/").filter((g) => has(g.parents, rec.pk)).map((g) => g.pk),
    children_obj: (core, col, rec, depth = 0) =>
      depth > 1 ? null : core.store.all("/core/groups/").filter((g) => has(g.parents, rec.pk)).map((g) => core.project("RelatedGroup", core.render(col, g, col, depth + 1), depth + 1)),
  },
  User: {
    groups: (core, _col, rec) => core.store.all("/core/groups/").filter((g) => has(g.users, rec.pk)).map((g) => g.pk),
    groups_obj: (core, _col, rec, depth = 0) => {
      const gc = core.collection("/core/groups/")!;
      return depth > 1 ? null : core.store.all("/core/groups/").filter((g) => has(g.users, rec.pk)).map((g) => core.project("PartialGroup", core.render(gc, g, gc, depth + 1), depth + 1));
    },
    is_superuser: (core, _col, rec) => core.store.all("/core/groups/").some((g) => has(g.users, rec.pk) && g.is_superuser === true),
    uid: (_c, _col, rec) => String(rec.uid ?? rec.uuid ?? ""),
  },
  Invitation: {
    created_by: (core) => {
      const admin = core.store.all("/core/users/").find((u) => u.username === "akadmin") ?? core.store.all("/core/users/")[0];
      const uc = core.collection("/core/users/")!;
      return admin ? core.project("PartialUser", core.render(uc, admin), 1) : { pk: 1, username: "akadmin", name: "authentik Default Admin", uid: "" };
    },
  },
};


function checkOutpostConfig(config: Record<string, unknown>): string | undefined {
  const pyName = { str: "str", bool: "bool", int: "int", dict: "dict[str, str]", list: "list[str]" } as const;
  for (const [k, spec] of Object.entries(OUTPOST_CONFIG_FIELDS)) {
    if (!(k in config)) continue;
    const v = config[k];
    const t = pyType(v);
    const ok = (v === null && spec.optional) || t === spec.type;
    if (!ok) {
      const should = spec.optional ? `typing.Optional[${pyName[spec.type]}]` : pyName[spec.type];
      return `Failed to validate config: wrong value type for field "${k}" - should be "${should}" instead of value "${typeof v === "string" ? v : JSON.stringify(v)}" of type "${t}"`;
    }
  }
  return undefined;
}

/**
 * Field errors the serializers' validate_<field> methods raise, for data that passed the generic checks.
 * `body` is the raw request (authentik reads initial_data["type"] for the provider check).
 */
export function validateSemantics(core: AuthentikApiCore, c: Collection, data: Record<string, unknown>, body: Record<string, unknown>, existing?: Rec): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  if (c.path === "/outposts/instances/") {
    if ("name" in data && existing) {
      if (existing.managed === MANAGED_OUTPOST && data.name !== MANAGED_OUTPOST_NAME) errors.name = ["Embedded outpost's name cannot be changed"];
      else if (existing.name === MANAGED_OUTPOST_NAME) data.managed = MANAGED_OUTPOST;
    }
    if ("providers" in data) {
      const pks = data.providers as number[];
      const missing = pks.find((pk) => !core.findAnywhere(pk, "Provider"));
      const type = (body as any)?.type;
      const typePath: Record<string, string> = { proxy: "/providers/proxy/", ldap: "/providers/ldap/", radius: "/providers/radius/", rac: "/providers/rac/" };
      if (missing !== undefined) errors.providers = [`Invalid pk "${missing}" - object does not exist.`];
      else {
        const wrong = type && typePath[type] ? pks.map((pk) => core.findAnywhere(pk, "Provider")!).find((h) => h.col.path !== typePath[type]) : undefined;
        if (wrong) errors.providers = [`Outpost type ${type} can't be used with ${wrong.col.schema} providers.`];
        else if (!(existing && existing.managed === MANAGED_OUTPOST) && pks.length < 1) errors.providers = ["This list may not be empty."];
      }
    }
    if ("config" in data) {
      const msg = checkOutpostConfig(data.config as Record<string, unknown>);
      if (msg) errors.config = [msg];
    }
  }
  return errors;
}

type Action = (ctx: SemanticContext, params: Record<string, string>, body: unknown, query: URLSearchParams) => ApiResponse;

function groupMembership(add: boolean): Action {
  return ({ core }, params, body) => {
    const gc = core.collection("/core/groups/")!;
    const { rec } = core.find(gc, params.group_uuid);
    const pk = (body as any)?.pk;
    if (typeof pk !== "number" && !(typeof pk === "string" && /^\d+$/.test(pk))) return { status: 400, body: { pk: [pk === undefined ? "This field is required." : "A valid integer is required."] } };
    const user = core.store.get("/core/users/", String(pk));
    if (!user) return { status: 404, body: { detail: "No User matches the given query." } };
    const users = ([] as unknown[]).concat(rec.users ?? []).filter((u) => String(u) !== String(user.pk));
    const next = { ...rec, users: add ? [...users, user.pk] : users };
    core.store.put(gc.path, next);
    core.changed("updated", gc, next);
    return { status: 204 };
  };
}

export const ACTIONS: Record<string, Action> = {
  // authentik/api/v3/config.py ConfigView (AllowAny)
  root_config_retrieve: () => ({
    status: 200,
    body: {
      error_reporting: { enabled: false, sentry_dsn: "", environment: "", send_pii: false, traces_sample_rate: 0 },
      capabilities: [],
      cache_timeout: 300,
      cache_timeout_flows: 300,
      cache_timeout_policies: 300,
    },
  }),
  // authentik/outposts/api/outposts.py default_settings: default_outpost_config(build_absolute_uri("/"))
  outposts_instances_default_settings_retrieve: ({ core, baseUrl }) => ({
    status: 200,
    body: {
      config: Object.fromEntries(
        Object.entries(OUTPOST_CONFIG_FIELDS).map(([k, f]) => [k, k === "authentik_host" ? `${baseUrl}/` : k === "kubernetes_namespace" ? core.namespace : structuredClone(f.default)]),
      ),
    },
  }),
  core_groups_add_user_create: groupMembership(true),
  core_groups_remove_user_create: groupMembership(false),
};
