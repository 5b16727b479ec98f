/**
 * AK015 superuser groups. Membership of a superuser group (or of any group below one: authentik passes
 * is_superuser down to child groups) gives full admin rights; only the admin group (identity.adminGroup) may do that.
 */
import { resourcesOf } from "./read/stack-json";
import { refOf } from "./read/identity-refs";
import { Finding, Guard, finder } from "./types";

const ID = "AK015";
const f = finder(ID);

export const superuserGroupsGuard: Guard = {
  id: ID,
  name: "superuser-groups",
  protects: "who is an admin: a second superuser group, or a group below the admin group, silently makes its members superusers",
  check: ({ stack, config }) => {
    // the config's admin group (an override may rename it), not authentik's default name
    const ADMIN_GROUP = config.identity.adminGroup;
    const out: Finding[] = [];
    const groups = resourcesOf(stack, "authentik_group");
    const byName = new Map(groups.map((g) => [g.name, g]));
    for (const g of groups) {
      const name = String(g.values.name);
      if (name === ADMIN_GROUP) continue;
      if (g.values.is_superuser === true) {
        out.push(f("error", { address: g.address, attribute: "is_superuser", message: `group '${name}' makes its members superusers`, expected: `false (only '${ADMIN_GROUP}' is a superuser group)`, actual: "true", fix: `Set isSuperuser: false; add admins to '${ADMIN_GROUP}' instead.` }));
        continue;
      }
      // g itself needs no entry: a cycle back to g meets a group that is not a superuser group (checked above)
      const seen = new Set<string>();
      const stack_ = [...((g.values.parents ?? []) as unknown[])];
      while (stack_.length) {
        const r = refOf(stack_.pop());
        if (!r || r.type !== "authentik_group" || seen.has(r.name)) continue;
        seen.add(r.name);
        const parent = byName.get(r.name);
        if (!parent) continue;
        if (parent.values.is_superuser === true) {
          out.push(f("error", { address: g.address, attribute: "parents", message: `group '${name}' sits below superuser group '${parent.values.name}', so its members inherit superuser rights`, expected: "no superuser ancestor", actual: r.address, fix: `Move '${name}' out from under '${parent.values.name}'.` }));
          break;
        }
        stack_.push(...((parent.values.parents ?? []) as unknown[]));
      }
    }
    return out;
  },
};
