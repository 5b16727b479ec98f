/**
 * PL003 The release never runs an image older than the one running now. authentik's database
 * migrations only go forward: a values-only change once ran a helm upgrade that rendered the chart's
 * default image, older than the one an updater had rolled out, and the old server could not start on the
 * migrated database (a 50-minute outage). The running image is read from the cluster (the release's
 * Deployments and its deployed manifest) by the deploy engine; the target is what the chart renders:
 * an image tag in the values, else the chart's appVersion.
 */
import { changeKind } from "./plan-json";
import { compareVersions, imageTag, parseVersion, targetImages } from "./release-images";
import { PolicyFinding, PolicyRule, finder } from "./types";

const ID = "PL003";
const f = finder(ID);

export const imageDowngradeRule: PolicyRule = {
  id: ID,
  name: "no-image-downgrade",
  protects: "the database from an authentik image older than the one that already migrated it (a helm upgrade rolled an updater's image back: 50-minute outage)",
  errorsAcknowledgeable: false,
  check: ({ plan, facts }) =>
    plan.resource_changes.flatMap((rc): PolicyFinding[] => {
      if (rc.mode !== "managed" || rc.type !== "helm_release") return [];
      const kind = changeKind(rc);
      if (kind !== "create" && kind !== "update" && kind !== "replace") return [];
      const a = rc.address;
      const rf = facts.releases[a];
      const cantJudge = (what: string, fix: string) => [f("error", { address: a, message: `${a}: can't tell whether this ${kind} runs an older authentik image than the one running now: ${what}`, fix })];
      if (!rf?.running) {
        return cantJudge(rf?.runningError ?? "the running image was not read from the cluster", "Make the cluster readable (kubectl's context / KUBECONFIG, the release's namespace) and rerun the deploy.");
      }
      let targets;
      try {
        targets = targetImages(rc.change.after, rf.targetAppVersion);
      } catch (e) {
        // releaseValues throws only ValuesParseError; anything else is refused too (fail closed)
        return cantJudge(`the planned ${(e as Error).message}`, "Fix the values file so it is a YAML mapping.");
      }
      const out: PolicyFinding[] = [];
      const running = rf.running.map((r) => ({ ...r, tag: imageTag(r.image) }));
      for (const r of running) {
        if (!r.tag || !parseVersion(r.tag)) out.push(...cantJudge(`the running image ${r.image} (${r.source}) has no version tag`, "Run a version-tagged image (e.g. ghcr.io/goauthentik/server:2026.2.2), or pin global.image.tag in the values file to the version that runs."));
      }
      if (out.length) return out;
      const newest = running.reduce<(typeof running)[number] | undefined>((m, r) => (!m || compareVersions(parseVersion(r.tag!)!, parseVersion(m.tag!)!) > 0 ? r : m), undefined);
      if (!newest) return []; // nothing runs yet: a first install can't go backwards
      for (const t of targets) {
        if (!t.tag) {
          out.push(...cantJudge(`the ${t.component} image follows the chart's appVersion, which is unknown (${rf.targetAppVersionError ?? "not read"})`, `Pin global.image.tag in the values file (at least ${newest.tag}, which runs now), or make the chart repository reachable.`));
          continue;
        }
        const v = parseVersion(t.tag);
        if (!v) {
          out.push(...cantJudge(`the ${t.component} image tag '${t.tag}' (from ${t.tagSource}) is not a version`, `Pin a version tag (at least ${newest.tag}) in global.image.tag.`));
          continue;
        }
        if (compareVersions(v, parseVersion(newest.tag!)!) < 0) {
          out.push(
            f("error", {
              address: a,
              message: `${a}: the ${t.component} would run ${t.repository}:${t.tag} (from ${t.tagSource}), older than ${newest.image} running now (${newest.source}); authentik's migrations only go forward, so the older image can't start on the migrated database`,
              fix: t.pinned
                ? `Set ${t.tagKey} to ${newest.tag} or later in the values file (or remove it if the chart's appVersion is newer).`
                : `Pin global.image.tag: "${newest.tag}" in the values file, or bump the chart to a version whose appVersion is at least ${newest.tag}.`,
            }),
          );
        }
      }
      return out;
    }),
};
