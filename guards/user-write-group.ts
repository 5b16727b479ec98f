/**
 * AK013 new users' group. The user write stage puts every new account into a group; it must be a group
 * this stack declares (the login group), not a literal id that may point at another group (or at
 * nothing, after that group is recreated) and not unset (new users would get no access at all).
 */
import { resourcesOf } from "./read/stack-json";
import { declared, describe, refOf } from "./read/identity-refs";
import { Finding, Guard, finder } from "./types";

const ID = "AK013";
const f = finder(ID);

export const userWriteGroupGuard: Guard = {
  id: ID,
  name: "user-write-group",
  protects: "which group new accounts land in: a literal, missing or foreign group id gives enrolled users the wrong access or none",
  check: ({ stack }) => {
    const out: Finding[] = [];
    for (const s of resourcesOf(stack, "authentik_stage_user_write")) {
      const v = s.values.create_users_group;
      const r = refOf(v);
      if (r && !r.data && r.type === "authentik_group" && r.attr === "id" && declared(stack, r)) continue;
      out.push(
        f("error", {
          address: s.address,
          attribute: "create_users_group",
          message: v === undefined || v === null ? "creates users in no group" : r && r.type === "authentik_group" ? `references ${r.address}.${r.attr}, which is not a group id this stack declares` : "creates users in a group given as a literal or a lookup, not a group of this stack",
          expected: "${authentik_group.<a group of the stack>.id}",
          actual: describe(v),
          fix: "Set userWrite.groupName in config/identity.ts to a group listed under identity.groups (live: Allow Login Users).",
        }),
      );
    }
    return out;
  },
};
