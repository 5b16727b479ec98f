/**
 * AK008 after a chart bump (release.version 2026.2.3, 2026.5.6, 2026.8.0): the stack synthesizes and the
 * guard judges the values with that chart version's own facts (model/charts/<version>.json).
 */
import { parse, stringify } from "yaml";
import { runGuards, formatFinding } from "../../guards/registry";
import { guardContext } from "../support/stack-json";

// cdktf and the provider bindings load only when a test here runs (Stryker loads every test file per mutant).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const synthJson = (...a: Parameters<typeof import("../support/synth").synthJson>) => (require("../support/synth") as typeof import("../support/synth")).synthJson(...a);

/**
 * What each of these charts leaves inert in today's values (values/authentik.yaml), read from the charts'
 * own templates (../shared/upstream/charts/authentik-<version>.src.tar.gz), the same for 2026.2.3, 2026.5.6
 * and 2026.8.0:
 * - server.strategy / worker.strategy: not keys; the Deployments read server/worker.deploymentStrategy.
 * - global.addPrometheusAnnotations: only annotates the metrics Services, rendered only when
 *   server/worker.metrics.enabled (default false, not set here).
 * - authentik.*: templates/secret.yaml renders the AUTHENTIK_* Secret only without
 *   authentik.existingSecret.secretName, which is set (goauthentik); secretName itself is read.
 */
const INERT_IN_LIVE_VALUES = [
  "values.server.strategy",
  "values.worker.strategy",
  "values.global.addPrometheusAnnotations",
  ...["log_level", "secret_key", "error_reporting.enabled", "postgresql.host", "postgresql.port", "postgresql.user", "postgresql.password",
    "postgresql.conn_max_age", "postgresql.conn_health_checks", "cache.timeout_flows", "cache.timeout_policies", "web.workers", "web.threads", "worker.threads"].map((k) => `values.authentik.${k}`),
].sort();

describe("AK008 after a chart bump: findings computed for that chart version", () => {
  it.each(["2026.2.3", "2026.5.6", "2026.8.0"])("chart %s: synthesizes, no errors, the values judged by that chart's own facts", (version) => {
    const s = synthJson({ release: { version } });
    expect((s.resource as any).helm_release.authentik.version).toBe(version);
    const ctx = guardContext(s);
    expect(ctx.chartFacts!.get(version)!.version).toBe(version);
    const r = runGuards(ctx);
    expect(r.findings.filter((x) => x.severity === "error").map(formatFinding)).toEqual([]);
    const ak008 = r.findings.filter((x) => x.id === "AK008");
    // these charts treat today's values as 2026.2.2 does (their templates say so), and the findings name the chart
    expect(ak008.map((x) => x.attribute).sort()).toStrictEqual(INERT_IN_LIVE_VALUES);
    expect(ak008.find((x) => x.attribute === "values.server.strategy")!.message).toContain(`not a key of chart ${version} (the chart reads server.deploymentStrategy)`);
    expect(ak008.find((x) => x.attribute === "values.global.addPrometheusAnnotations")!.message).toContain(`a key of chart ${version}`);
  });
  it("a key only newer charts have is unknown to 2026.2.2 and read by 2026.5.6 (server.automountServiceAccountToken)", () => {
    const judged = (version: string) => {
      const s = synthJson({ release: { version } }) as any;
      const v = parse(s.locals.authentik_values);
      v.server.automountServiceAccountToken = false;
      s.locals.authentik_values = stringify(v);
      return runGuards(guardContext(s)).findings.filter((x) => x.attribute === "values.server.automountServiceAccountToken").map((x) => x.message);
    };
    expect(judged("2026.2.2")).toEqual(["server.automountServiceAccountToken is not a key of chart 2026.2.2, so it has no effect"]);
    expect(judged("2026.5.6")).toEqual([]);
  });
});
