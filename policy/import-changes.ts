/**
 * PL005 An import adopts, it doesn't change. An import whose configuration differs from the live object
 * plans an update (or a replace) in the same apply: adopting the live objects changed or destroyed them.
 * Import first with a configuration that matches (the import plans nothing else), change it afterwards.
 */
import { changeKind, changedAttributes, pathText } from "./plan-json";
import { PolicyRule, finder } from "./types";

const ID = "PL005";
const f = finder(ID);

export const importChangesRule: PolicyRule = {
  id: ID,
  name: "import-without-changes",
  protects: "live objects being adopted from being changed or destroyed by the adoption itself (an adoption with a differing configuration destroyed live objects)",
  errorsAcknowledgeable: false,
  check: ({ plan }) =>
    plan.resource_changes.flatMap((rc) => {
      if (rc.mode !== "managed" || !rc.change.importing) return [];
      const kind = changeKind(rc);
      if (kind === "no-op") return [];
      const id = rc.change.importing.id !== undefined ? ` (import id ${JSON.stringify(rc.change.importing.id)})` : "";
      const attrs = kind === "replace" ? (rc.change.replace_paths ?? []).map(pathText) : changedAttributes(rc);
      const what = kind === "replace" ? "destroy and re-create the live object" : kind === "update" ? "also change it" : `also ${kind} it`;
      return [
        f("error", {
          address: rc.address,
          message: `${rc.address}${id}: the import would ${what}${attrs.length ? ` (${attrs.join(", ")})` : ""}: the configuration differs from the live object, so adopting it would modify what runs in the same apply`,
          fix: `Make the configuration match the live object${attrs.length ? ` in ${attrs.join(", ")}` : ""} until the plan shows the import alone, deploy that, then make the change in a separate deploy; or adopt the live object unchanged first with \`npx authentik-stack deploy --import-only\` (terraform import: nothing live changes) and review the change in the next deploy.`,
        }),
      ];
    }),
};
