/**
 * lib/promql.ts against the real Prometheus (promtool's rule-test engine, Debian's prometheus package): a
 * prefix matcher built from a literal must accept exactly the values that start with that literal, however
 * many RE2 metacharacters, quotes or backslashes it holds, anchored as Prometheus anchors regex matchers.
 * Each case's verdict is written from that rule; both matcherAccepts (what AK007 judges with) and Prometheus
 * must give it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { stringify } from "yaml";
import { Matcher, eq, hasPrefix, matcherAccepts, promString, selector } from "../../lib/promql";

type Case = readonly [Matcher, string, boolean];
const CASES: readonly Case[] = [
  [hasPrefix("service", "authentik-ak-outpost-"), "authentik-ak-outpost-authentik-embedded-outpost-9000@kubernetes", true],
  [hasPrefix("service", "authentik-ak-outpost-"), "authentik-ak-outpost-", true],
  [hasPrefix("service", "authentik-ak-outpost-"), "x-authentik-ak-outpost-1", false],
  [hasPrefix("service", "authentik-ak-outpost-"), "authentik-ak-outpost", false],
  [hasPrefix("pod", "a.b"), "a.b-1", true],
  [hasPrefix("pod", "a.b"), "aXb-1", false],
  [hasPrefix("pod", "a+b"), "a+b", true],
  [hasPrefix("pod", "a+b"), "aab", false],
  [hasPrefix("pod", "(x)"), "(x)y", true],
  [hasPrefix("pod", "(x)"), "x", false],
  [hasPrefix("pod", "a|b"), "a|b", true],
  [hasPrefix("pod", "a|b"), "b", false],
  [hasPrefix("pod", "[z]"), "[z]", true],
  [hasPrefix("pod", "[z]"), "z", false],
  [hasPrefix("pod", "c{1}"), "c{1}", true],
  [hasPrefix("pod", "c{1}"), "c", false],
  [hasPrefix("pod", "^s$"), "^s$", true],
  [hasPrefix("pod", "^s$"), "s", false],
  [hasPrefix("pod", "q?"), "q?", true],
  [hasPrefix("pod", "q?"), "q", false],
  [hasPrefix("pod", "star*"), "star*x", true],
  [hasPrefix("pod", "star*"), "sta", false],
  [hasPrefix("pod", "back\\slash"), "back\\slash", true],
  [hasPrefix("pod", "back\\slash"), "backslash", false],
  [hasPrefix("pod", 'quo"te'), 'quo"te!', true],
  [hasPrefix("pod", "dollar$"), "dollar$", true],
  [eq("job", "authentik"), "authentik", true],
  [eq("job", "authentik"), "authentik-metrics", false],
];

function promtool(args: string[], cwd: string): { code: number; out: string } {
  const r = spawnSync("promtool", args, { cwd, encoding: "utf8" });
  if (r.error) throw new Error(`promtool is required (apt-get install prometheus): ${r.error.message}`);
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** A promtool rule-test file: one series per case, and per case the samples the selector must return. */
function ruleTest(cases: readonly Case[]): string {
  const series = (i: number, m: Matcher, value: string) => `m{case="${i}", ${m.label}=${promString(value)}}`;
  return stringify({
    rule_files: [],
    evaluation_interval: "1m",
    tests: [
      {
        interval: "1m",
        input_series: cases.map(([m, value], i) => ({ series: series(i, m, value), values: "1" })),
        promql_expr_test: cases.map(([m, value, accepted], i) => ({
          expr: selector("m", [eq("case", String(i)), m]),
          eval_time: "0m",
          exp_samples: accepted ? [{ labels: series(i, m, value), value: 1 }] : [],
        })),
      },
    ],
  });
}

function runPrometheus(cases: readonly Case[]): { code: number; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-promql-"));
  try {
    fs.writeFileSync(path.join(dir, "test.yml"), ruleTest(cases));
    return promtool(["test", "rules", "test.yml"], dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("PromQL matchers built from literals", () => {
  it.each(CASES.map(([m, value, accepted]) => [`${m.label}${m.op}${promString(m.value)}`, value, accepted, m] as const))("%s on %j: %s (matcherAccepts)", (_sel, value, accepted, m) => {
    expect(matcherAccepts(m, value)).toBe(accepted);
  });
  it("Prometheus gives every case the same verdict", () => {
    const r = runPrometheus(CASES);
    expect(r.out).toContain("SUCCESS");
    expect(r.code).toBe(0);
  });
  it("the Prometheus check can fail: one verdict turned round is refused", () => {
    const wrong = CASES.map(([m, v, a], i): Case => [m, v, i === 4 ? !a : a]);
    const r = runPrometheus(wrong);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('case=\\"4\\"');
  });
});
