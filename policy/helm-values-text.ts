/**
 * PL002 No Helm upgrade for a values text that parses to the same values. The helm provider compares the
 * values text byte for byte, so a comment or a re-indent plans an update; applying it runs a full
 * `helm upgrade`, whose three-way merge reverts out-of-band changes (this is how an image updater's bump
 * was rolled back below the database's migrations: a 50-minute outage).
 */
import { changeKind, changedAttributes, valuesTextOnly } from "./plan-json";
import { PolicyRule, finder } from "./types";

const ID = "PL002";
const f = finder(ID);

export const helmValuesTextRule: PolicyRule = {
  id: ID,
  name: "no-cosmetic-helm-upgrade",
  protects: "the running release from a full helm upgrade caused by a values text that changes nothing (three-way merge reverts out-of-band changes)",
  errorsAcknowledgeable: true,
  check: ({ plan }) =>
    plan.resource_changes.flatMap((rc) => {
      if (rc.mode !== "managed" || rc.type !== "helm_release" || changeKind(rc) !== "update") return [];
      const changed = changedAttributes(rc);
      if (changed.some((a) => a !== "values" && a !== "set")) return []; // a real upgrade happens anyway
      if (!valuesTextOnly(rc.change.before, rc.change.after)) return [];
      return [
        f("error", {
          address: rc.address,
          message: `${rc.address}: the values text differs from the deployed text but parses to the same values, yet applying it runs a full helm upgrade; Helm's three-way merge then reverts every out-of-band change to the release's objects (an image tag bumped by an updater is rolled back)`,
          fix: "Make the values file byte-identical to the deployed text (git diff the values file; undo the cosmetic edit), or carry it with the next real change; to run the upgrade anyway after checking nothing was changed out of band, rerun with --ack PL002=<why>.",
        }),
      ];
    }),
};
