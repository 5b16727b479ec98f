/**
 * AK004 Outpost.managed. The server sets managed=goauthentik.io/outposts/embedded, which makes the
 * outpost embedded and selects the PostgreSQL session store. Terraform keeps it only because it never
 * writes it: the provider schema has no such attribute. If the stack sets it, or a regenerated schema
 * gains it, an apply resets it and the outpost silently falls back to the filesystem store.
 */
import { resourcesOf } from "./read/stack-json";
import { Finding, Guard, finder, shown } from "./types";

const ID = "AK004";
const f = finder(ID);
export const EMBEDDED_MANAGED = "goauthentik.io/outposts/embedded";

export const managedFieldGuard: Guard = {
  id: ID,
  name: "outpost-managed-field",
  protects: "Outpost.managed staying server-owned (embedded mode, PostgreSQL session store)",
  check: ({ stack, authentikSchema }) => {
    const out: Finding[] = [];
    for (const r of resourcesOf(stack, "authentik_outpost")) {
      if ("managed" in r.values) {
        out.push(f("error", { address: r.address, attribute: "managed", message: "the stack sets managed; Terraform would own a field the server sets, and any drift or reset drops the outpost out of embedded mode", expected: "managed absent from the configuration", actual: shown(r.values.managed), fix: "Remove managed (props or addOverride); the server keeps goauthentik.io/outposts/embedded." }));
      }
    }
    if (authentikSchema) {
      const providers = Object.values(authentikSchema.provider_schemas ?? {}) as any[];
      const outpost = providers.map((p) => p.resource_schemas?.authentik_outpost).find(Boolean);
      if (!outpost) {
        out.push(f("error", { address: "schemas/authentik.json", attribute: "resource_schemas.authentik_outpost", message: "the committed goauthentik schema has no authentik_outpost", expected: "authentik_outpost in the schema", actual: "absent", fix: "Regenerate schemas/authentik.json from the pinned provider (README, Providers)." }));
      } else if (outpost.block?.attributes?.managed) {
        out.push(f("error", { address: "schemas/authentik.json", attribute: "resource_schemas.authentik_outpost.block.attributes.managed", message: "the goauthentik provider schema now exposes authentik_outpost.managed; Terraform will plan it and may reset the server-set value, dropping the outpost to the filesystem session store", expected: "no managed attribute", actual: shown(outpost.block.attributes.managed), fix: `Pin managed = "${EMBEDDED_MANAGED}" explicitly on the outpost record, then run \`authentik-stack verify-upgrade --step 3\` to confirm the outpost still logs "using PostgreSQL session backend".` }));
      }
    }
    return out;
  },
};
