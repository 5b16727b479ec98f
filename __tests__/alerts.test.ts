/**
 * The alert rules, checked and unit-tested with the real promtool (Debian's prometheus package).
 * Test series use the names derived from the config, so a changed config re-derives both the rules
 * and the series they must match.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { parse, stringify } from "yaml";
import { DeepPartial, StackConfig, deriveNames, loadConfig } from "../config";
import { buildAlertGroups, renderRuleFile, alertMatchers } from "../alerts/rules";
import { escapeRegex, matcherAccepts } from "../lib/promql";
import { ROOT } from "./support/synth";

function promtool(args: string[], cwd: string): { code: number; out: string } {
  const r = spawnSync("promtool", args, { cwd, encoding: "utf8" });
  if (r.error) throw new Error(`promtool is required (apt-get install prometheus): ${r.error.message}`);
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** Fills the rule's own annotation template with the value promtool will compute. */
function summary(rule: any, value: { num?: number; h1024?: string; pct?: string; service?: string }): string {
  return String(rule.annotations.summary)
    .replace('{{ $value | printf "%.1f" }}', (value.num ?? 0).toFixed(1))
    .replace('{{ $value | printf "%.0f" }}', (value.num ?? 0).toFixed(0))
    .replace("{{ $value | humanize1024 }}", value.h1024 ?? "")
    .replace("{{ $value | humanizePercentage }}", value.pct ?? "")
    .replace("{{ $labels.service }}", value.service ?? "")
    .replace("{{ $labels.pod }}", "POD")
    .replace("{{ $value }}", String(value.num ?? ""));
}

function scenario(overrides: DeepPartial<StackConfig> = {}) {
  const c = loadConfig(overrides);
  const n = deriveNames(c);
  const groups = buildAlertGroups(c);
  const rule = (name: string) => groups.flatMap((g) => g.rules).find((r) => r.alert === name)!;
  const pod = `${n.outpostObjectName}-6b7d9c5f4-q2x8m`;
  const ep = c.ingress.entrypoint;
  const GiB = 1024 ** 3;
  const tests = [
    {
      // sustained 6/s of 401s on the ingresses' entrypoint: fires once pending for 5m, not before
      interval: "1m",
      input_series: [{ series: `traefik_entrypoint_requests_total{code="401",entrypoint="${ep}"}`, values: "0+360x30" }],
      alert_rule_test: [
        { eval_time: "4m", alertname: "AuthentikForwardAuthFallbackActive", exp_alerts: [] },
        { eval_time: "12m", alertname: "AuthentikForwardAuthFallbackActive", exp_alerts: [{ exp_labels: { severity: "critical" }, exp_annotations: { summary: summary(rule("AuthentikForwardAuthFallbackActive"), { num: 6 }) } }] },
      ],
    },
    { interval: "1m", input_series: [{ series: `traefik_entrypoint_requests_total{code="401",entrypoint="${ep}"}`, values: "0+240x30" }], alert_rule_test: [{ eval_time: "15m", alertname: "AuthentikForwardAuthFallbackActive", exp_alerts: [] }] },
    { interval: "1m", input_series: [{ series: `traefik_entrypoint_requests_total{code="401",entrypoint="${ep}"}`, values: "0+360x3 1080+0x30" }], alert_rule_test: [{ eval_time: "10m", alertname: "AuthentikForwardAuthFallbackActive", exp_alerts: [] }] },
    { interval: "1m", input_series: [{ series: 'traefik_entrypoint_requests_total{code="401",entrypoint="web"}', values: "0+600x30" }], alert_rule_test: [{ eval_time: "15m", alertname: "AuthentikForwardAuthFallbackActive", exp_alerts: [] }] },
    {
      // 400s on the outpost's real Traefik service label fire; on another service they don't
      interval: "1m",
      input_series: [
        { series: `traefik_service_requests_total{code="400",service="${n.outpostTraefikService}"}`, values: "0+5x30" },
        { series: `traefik_service_requests_total{code="400",service="${c.namespace}-${n.serverServiceName}-80@kubernetes"}`, values: "0+50x30" },
      ],
      alert_rule_test: [{ eval_time: "10m", alertname: "AuthentikOutpostForwardAuth400Spike", exp_alerts: [{ exp_labels: { severity: "critical", service: n.outpostTraefikService }, exp_annotations: { summary: summary(rule("AuthentikOutpostForwardAuth400Spike"), { num: 25, service: n.outpostTraefikService }) } }] }],
    },
    {
      // memory: 1.6 GiB is above 75% of 2Gi (warning) and below 90% (critical)
      interval: "1m",
      input_series: [{ series: `container_memory_working_set_bytes{namespace="${c.namespace}",pod="${pod}",container="${c.outpost.type}"}`, values: `${Math.round(1.6 * GiB)}+0x30` }],
      alert_rule_test: [
        { eval_time: "20m", alertname: "AuthentikOutpostMemoryHigh", exp_alerts: [{ exp_labels: { severity: "warning", namespace: c.namespace, pod, container: c.outpost.type }, exp_annotations: { summary: summary(rule("AuthentikOutpostMemoryHigh"), { h1024: "1.6Gi" }) } }] },
        { eval_time: "20m", alertname: "AuthentikOutpostMemoryCritical", exp_alerts: [] },
      ],
    },
    {
      interval: "1m",
      input_series: [{ series: `container_memory_working_set_bytes{namespace="${c.namespace}",pod="${pod}",container="${c.outpost.type}"}`, values: `${Math.round(1.9 * GiB)}+0x30` }],
      alert_rule_test: [{ eval_time: "8m", alertname: "AuthentikOutpostMemoryCritical", exp_alerts: [{ exp_labels: { severity: "critical", namespace: c.namespace, pod, container: c.outpost.type }, exp_annotations: { summary: summary(rule("AuthentikOutpostMemoryCritical"), { h1024: "1.9Gi" }) } }] }],
    },
    {
      interval: "1m",
      input_series: [
        { series: `container_fs_usage_bytes{namespace="${c.namespace}",pod="${pod}"}`, values: `${Math.round(1.7 * GiB)}+0x30` },
        { series: `container_fs_limit_bytes{namespace="${c.namespace}",pod="${pod}"}`, values: `${2 * GiB}+0x30` },
      ],
      alert_rule_test: [{ eval_time: "8m", alertname: "AuthentikOutpostDevShmFull", exp_alerts: [{ exp_labels: { severity: "critical", namespace: c.namespace, pod }, exp_annotations: { summary: summary(rule("AuthentikOutpostDevShmFull"), { pct: "85%" }).replace("POD", pod) } }] }],
    },
    {
      // no series at all: both availability alerts fire
      interval: "1m",
      input_series: [{ series: "up{job=\"unrelated\"}", values: "1+0x30" }],
      alert_rule_test: [
        { eval_time: "8m", alertname: "AuthentikDown", exp_alerts: [{ exp_labels: { severity: "critical" }, exp_annotations: { summary: rule("AuthentikDown").annotations.summary } }] },
        { eval_time: "8m", alertname: "PgBouncerDown", exp_alerts: [{ exp_labels: { severity: "critical" }, exp_annotations: { summary: rule("PgBouncerDown").annotations.summary } }] },
      ],
    },
    {
      interval: "1m",
      input_series: [{ series: `kube_deployment_status_replicas_available{namespace="${c.namespace}",deployment="${n.serverDeployment}"}`, values: "3+0x30" }, { series: `kube_deployment_status_replicas_available{namespace="${c.namespace}",deployment="${c.pgbouncer.name}"}`, values: "3+0x30" }],
      alert_rule_test: [{ eval_time: "8m", alertname: "AuthentikDown", exp_alerts: [] }, { eval_time: "8m", alertname: "PgBouncerDown", exp_alerts: [] }],
    },
  ];
  return { c, n, groups, rulesYaml: renderRuleFile(groups), tests };
}

function runPromtool(rulesYaml: string, tests: unknown[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-promtool-"));
  fs.writeFileSync(path.join(dir, "rules.yml"), rulesYaml);
  fs.writeFileSync(path.join(dir, "tests.yml"), stringify({ rule_files: ["rules.yml"], evaluation_interval: "1m", tests }, { lineWidth: 0 }));
  return { check: promtool(["check", "rules", "rules.yml"], dir), test: promtool(["test", "rules", "tests.yml"], dir) };
}

describe("alert rules", () => {
  const s = scenario();

  it("pass promtool check rules", () => {
    const r = runPromtool(s.rulesYaml, []).check;
    expect(r.out).toContain("SUCCESS: 9 rules found");
    expect(r.code).toBe(0);
  });

  it("pass the promtool unit tests (fallback, 400 spike, memory, /dev/shm, availability)", () => {
    const r = runPromtool(s.rulesYaml, s.tests).test;
    expect(r.out).toContain("SUCCESS");
    expect(r.code).toBe(0);
  });

  it("a wrong expectation makes promtool fail (the tests can fail)", () => {
    const broken = JSON.parse(JSON.stringify(s.tests));
    broken[1].alert_rule_test[0].exp_alerts = [{ exp_labels: { severity: "critical" } }]; // 4/s does not fire
    expect(runPromtool(s.rulesYaml, broken).test.code).not.toBe(0);
  });

  it("the pre-fix regex authentik-authentik-outpost.* would not have matched the outpost's series", () => {
    const old = s.rulesYaml.replace(`service=~"${escapeRegex("authentik-ak-outpost-")}.*"`, 'service=~"authentik-authentik-outpost.*"');
    expect(old).not.toBe(s.rulesYaml);
    const spike = [{ ...s.tests[4], alert_rule_test: [{ eval_time: "10m", alertname: "AuthentikOutpostForwardAuth400Spike", exp_alerts: [] }] }];
    const r = runPromtool(old, spike).test;
    expect(r.out).toContain("SUCCESS"); // no alert at all with the old regex
    expect(runPromtool(s.rulesYaml, spike).test.code).not.toBe(0); // while the fixed one fires
  });

  it("keep today's expressions, durations and labels (../shared/reference/alert-rules.yaml)", () => {
    const ref = parse(fs.readFileSync(path.join(ROOT, "__tests__", "fixtures", "reference", "alert-rules.yaml"), "utf8")).groups;
    const flat = (g: any[]) => g.flatMap((x) => x.rules.map((r: any) => ({ group: x.name, alert: r.alert, expr: r.expr, for: r.for, labels: r.labels })));
    expect(flat(s.groups as any)).toEqual(flat(ref));
  });

  it("summaries state the thresholds derived from the /dev/shm size", () => {
    const r = (name: string) => s.groups.flatMap((g) => g.rules).find((x) => x.alert === name)!;
    expect(r("AuthentikOutpostMemoryHigh").annotations.summary).toContain("threshold 1.5 GiB of 2 GiB sizeLimit");
    expect(r("AuthentikOutpostMemoryCritical").annotations.summary).toContain("threshold 1.8 GiB of 2 GiB sizeLimit");
    expect(r("AuthentikOutpostForwardAuth400Spike").annotations.summary).toContain("all 43 protected services");
  });

  it("read the /dev/shm size by its value, in any form Kubernetes accepts", () => {
    expect(scenario({ outpost: { shmSizeLimit: "+2Gi" } }).rulesYaml).toBe(s.rulesYaml);
    expect(scenario({ outpost: { shmSizeLimit: "2147483648" } }).rulesYaml).toBe(s.rulesYaml);
    const e = scenario({ outpost: { shmSizeLimit: "2.5e9" } }); // 2.5e9 B * 0.75 = 1.746 GiB, * 0.9 = 2.095 GiB
    const expr = (name: string) => e.groups.flatMap((g) => g.rules).find((r) => r.alert === name)!.expr;
    expect(expr("AuthentikOutpostMemoryHigh")).toContain("> 1.746 * 1024 * 1024 * 1024");
    expect(expr("AuthentikOutpostMemoryCritical")).toContain("> 2.095 * 1024 * 1024 * 1024");
  });

  it("refuse a /dev/shm size that is no positive finite quantity, even from a config built in code", () => {
    for (const shmSizeLimit of ["-1Gi", "0", "1e400", "Gi"]) {
      expect(() => buildAlertGroups({ ...s.c, outpost: { ...s.c.outpost, shmSizeLimit } })).toThrow(`config.outpost.shmSizeLimit: '${shmSizeLimit}' is not a Kubernetes quantity greater than zero; allowed: a positive finite size such as 2Gi. Fix: set outpost.shmSizeLimit in the config (today's value: 2Gi)`);
    }
  });

  it("follow a changed outpost name, namespace and port; promtool still passes on the re-rendered rules", () => {
    const moved = scenario({ namespace: "sso", outpost: { name: "Edge Outpost", ports: { http: 9100 } } });
    expect(moved.n.outpostTraefikService).toBe("sso-ak-outpost-edge-outpost-9100@kubernetes");
    expect(moved.rulesYaml).toContain('service=~"sso-ak-outpost-.*"');
    expect(moved.rulesYaml).not.toContain('namespace="authentik"');
    const m = alertMatchers(moved.c);
    expect(matcherAccepts(m.outpostTraefikService, moved.n.outpostTraefikService)).toBe(true);
    expect(matcherAccepts(m.outpostTraefikService, "authentik-ak-outpost-authentik-embedded-outpost-9000@kubernetes")).toBe(false);
    const r = runPromtool(moved.rulesYaml, moved.tests);
    expect(r.check.code).toBe(0);
    expect(r.test.out).toContain("SUCCESS");
  });
});
