/**
 * PL004 A chart bump makes the image an explicit decision. When the values pin no image tag, the
 * image follows the chart's appVersion: a chart bump silently moves it, and an image updater (the diun
 * annotations in the values) and the chart then disagree on what should run, which is how the updater
 * and the release came to fight. A warning: acknowledge it, or pin global.image.tag.
 */
import { changeKind } from "./plan-json";
import { targetImages } from "./release-images";
import { PolicyRule, finder } from "./types";

const ID = "PL004";
const f = finder(ID);

export const unpinnedImageRule: PolicyRule = {
  id: ID,
  name: "chart-bump-pins-image",
  protects: "the running image from moving with a chart bump nobody decided on (an image updater and the release fought over it)",
  errorsAcknowledgeable: true,
  check: ({ plan, facts }) =>
    plan.resource_changes.flatMap((rc) => {
      if (rc.mode !== "managed" || rc.type !== "helm_release" || changeKind(rc) !== "update") return [];
      const from = rc.change.before?.version;
      const to = rc.change.after?.version;
      if (typeof to !== "string" || from === to) return [];
      const appVersion = facts.releases[rc.address]?.targetAppVersion;
      let unpinned;
      try {
        unpinned = targetImages(rc.change.after, appVersion).filter((t) => !t.pinned);
      } catch {
        return []; // values that don't parse: PL003 refuses the plan and says why
      }
      if (!unpinned.length) return [];
      const image = appVersion ?? "its appVersion";
      return [
        f("warning", {
          address: rc.address,
          message: `${rc.address}: chart ${from} -> ${to}, and the ${unpinned.map((t) => t.component).join(" and ")} image follows the chart's default (${image}), not a tag in the values: the chart bump silently changes what runs, and an image updater can move it again`,
          fix: `Pin global.image.tag: "${appVersion ?? "<version>"}" in the values file so the image is a reviewed decision, or rerun with --ack PL004=<why>.`,
        }),
      ];
    }),
};
