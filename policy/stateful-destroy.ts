/**
 * PL001 No destroy of a stateful or identity object. An adoption whose configuration differed from the
 * live objects once planned their destruction and applied it; a plan that deletes or replaces an
 * authentik object, the namespace, the Helm release, a Secret or a persistent volume is refused unless the
 * operator names that address with `--allow-destroy ADDRESS=reason`.
 */
import { changeKind, pathText } from "./plan-json";
import { resourceClass } from "./resource-classes";
import { PolicyRule, finder } from "./types";

const ID = "PL001";
const f = finder(ID);

const REASONS: Record<string, string> = {
  replace_because_cannot_update: "an attribute that can't change in place changed",
  replace_because_tainted: "the object is tainted",
  replace_by_request: "-replace asked for it",
  replace_by_triggers: "replace_triggered_by fired",
  delete_because_no_resource_config: "the configuration no longer declares it (a renamed address without a moved block, or a removed resource)",
  delete_because_no_module: "its module is gone from the configuration",
  delete_because_wrong_repetition: "its count/for_each form changed",
  delete_because_count_index: "its count index is out of range",
  delete_because_each_key: "its for_each key is gone",
  delete_because_no_move_target: "a moved block points at an address that doesn't exist",
};

export const statefulDestroyRule: PolicyRule = {
  id: ID,
  name: "no-stateful-destroy",
  protects: "authentik objects, the namespace, the Helm release, Secrets and volumes from a plan that destroys or replaces them (an adoption once destroyed live objects)",
  errorsAcknowledgeable: false,
  check: ({ plan, allowDestroy }) =>
    plan.resource_changes.flatMap((rc) => {
      if (rc.mode !== "managed") return [];
      const kind = changeKind(rc);
      if (kind !== "delete" && kind !== "replace") return [];
      const cls = resourceClass(rc.type);
      if (!cls?.stateful) return []; // unknown types are PL006's
      const why = rc.action_reason ? (REASONS[rc.action_reason] ?? rc.action_reason) : undefined;
      const forcing = (rc.change.replace_paths ?? []).map(pathText);
      const what =
        kind === "replace"
          ? `would be destroyed and re-created${forcing.length ? ` (forced by ${forcing.join(", ")})` : ""}${why ? `: ${why}` : ""}`
          : `would be destroyed${why ? `: ${why}` : ""}`;
      const reason = allowDestroy.get(rc.address);
      const fix =
        kind === "replace"
          ? `Keep ${forcing.length ? forcing.join(", ") : "the attribute that forces it"} as deployed (or, for a rename, add a moved block); if the destroy is intended, rerun with --allow-destroy ${rc.address}=<why>.`
          : `Restore it in the configuration (for a renamed address, a moved block from ${rc.address}); if the destroy is intended, rerun with --allow-destroy ${rc.address}=<why>.`;
      return [
        f("error", {
          address: rc.address,
          message: `${rc.address} ${what}. ${cls.why}.`,
          fix,
          ...(reason !== undefined ? { allowed: { reason } } : {}),
        }),
      ];
    }),
};
