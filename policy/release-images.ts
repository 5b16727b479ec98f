/**
 * The images a goauthentik helm_release will run, read the way the chart renders them
 * (templates/server/deployment.yaml and worker/deployment.yaml, chart 2026.2.2 to 2026.8.0):
 *   <comp>.image.repository || global.image.repository  :  <comp>.image.tag || global.image.tag || .Chart.AppVersion
 * and version comparison for authentik's CalVer tags (2026.2.2, 2026.5.0-rc1).
 */
import { get, releaseValues } from "./plan-json";

export const COMPONENTS = ["server", "worker"] as const;
const CHART_DEFAULT_REPOSITORY = "ghcr.io/goauthentik/server";

export interface TargetImage {
  readonly component: (typeof COMPONENTS)[number];
  readonly repository: string;
  /** undefined when it follows the appVersion and that is unknown. */
  readonly tag?: string;
  /** Where the tag comes from: a values key, or the chart's appVersion default. */
  readonly tagSource: string;
  /** The values key that pins the tag (server.image.tag, global.image.tag); undefined when not pinned. */
  readonly tagKey?: string;
  /** The tag was chosen in the values (not the chart's default). */
  readonly pinned: boolean;
}

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined);

/** The server and worker images of a release whose planned attributes are `after`. Throws ValuesParseError. */
export function targetImages(after: any, appVersion: string | undefined): TargetImage[] {
  const values = releaseValues(after);
  return COMPONENTS.map((component) => {
    const repository = str(get(values, `${component}.image.repository`)) ?? str(get(values, "global.image.repository")) ?? CHART_DEFAULT_REPOSITORY;
    const own = str(get(values, `${component}.image.tag`));
    const global = str(get(values, "global.image.tag"));
    if (own) return { component, repository, tag: own, tagSource: `values ${component}.image.tag`, tagKey: `${component}.image.tag`, pinned: true };
    if (global) return { component, repository, tag: global, tagSource: "values global.image.tag", tagKey: "global.image.tag", pinned: true };
    return { component, repository, tag: appVersion, tagSource: `the chart's appVersion${appVersion ? "" : " (unknown)"}`, pinned: false };
  });
}

/** The tag of an image reference: ghcr.io/goauthentik/server:2026.2.2@sha256:... -> 2026.2.2 */
export function imageTag(image: string): string | undefined {
  const noDigest = image.split("@")[0];
  // Stryker disable next-line ArithmeticOperator: searching from the slash itself finds the same colon (a ':' just before the last '/' is no image reference)
  const colon = noDigest.indexOf(":", noDigest.lastIndexOf("/") + 1);
  // Stryker disable next-line EqualityOperator: a colon at 0 would be an image named '' (no image reference)
  return colon < 0 ? undefined : noDigest.slice(colon + 1);
}

/** A comparable version from an authentik tag, or undefined for tags that aren't versions (latest, a sha). */
export function parseVersion(tag: string): { nums: number[]; pre?: string } | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?$/.exec(tag);
  if (!m) return undefined;
  return { nums: [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)], pre: m[4] };
}

/** <0 when a is older than b. A pre-release sorts before its release. */
export function compareVersions(a: { nums: number[]; pre?: string }, b: { nums: number[]; pre?: string }): number {
  for (const i of [0, 1, 2]) if (a.nums[i] !== b.nums[i]) return a.nums[i] - b.nums[i];
  if (a.pre === b.pre) return 0;
  if (a.pre === undefined) return 1;
  if (b.pre === undefined) return -1;
  return a.pre.localeCompare(b.pre, "en", { numeric: true });
}
