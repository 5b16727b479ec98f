/**
 * The Prometheus alert rules that watch this stack, built from the same config as the objects they
 * watch: namespace, the outpost's pod-name prefix and Traefik service label, the ingress entrypoint,
 * deployment names from the release name, memory thresholds from the /dev/shm size.
 */
import { stringify } from "yaml";
import { DEFAULT_CONFIG, LABEL_KEYS, StackConfig, deriveNames } from "../config";
import { formatGiB, gibNumber as gib, parseQuantity } from "../lib/quantity";
import { Matcher, eq, hasPrefix, selector } from "../lib/promql";

/** One alerting rule, as in a Prometheus rule file. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** Pending duration, Prometheus syntax (`5m`). */
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** The matchers the rules use, exposed so guards and tests check them against derived names. */
export interface AlertMatchers {
  /** Selects the outpost pods by name prefix. */
  readonly outpostPod: Matcher;
  /** Selects the outpost's Traefik service label. */
  readonly outpostTraefikService: Matcher;
  /** The entrypoint the ingresses use. */
  readonly entrypoint: Matcher;
}

export const OUTPOST_GROUP = "Authentik Outpost";
export const AVAILABILITY_GROUP = "Authentik Availability";

/** The object-name prefix every outpost of this template gets (`ak-outpost-`). */
export function outpostNamePrefix(c: StackConfig): string {
  return c.outpost.objectNamingTemplate.split("%(name)s")[0];
}

export function alertMatchers(c: StackConfig): AlertMatchers {
  const prefix = outpostNamePrefix(c);
  return {
    outpostPod: hasPrefix("pod", prefix),
    outpostTraefikService: hasPrefix("service", `${c.namespace}-${prefix}`),
    entrypoint: eq("entrypoint", c.ingress.entrypoint),
  };
}


export function buildAlertGroups(c: StackConfig, extraGroups: readonly RuleGroup[] = []): RuleGroup[] {
  const n = deriveNames(c);
  const a = c.alerts;
  const m = alertMatchers(c);
  const ns = eq("namespace", c.namespace);
  const shmBytes = parseQuantity(c.outpost.shmSizeLimit);
  // the config schema refuses these already; a config built in code must not turn into "> Infinity" or "> -1" thresholds
  if (shmBytes === undefined || !(shmBytes > 0 && Number.isFinite(shmBytes))) throw new Error(`config.outpost.shmSizeLimit: '${c.outpost.shmSizeLimit}' is not a Kubernetes quantity greater than zero; allowed: a positive finite size such as 2Gi. Fix: set outpost.shmSizeLimit in the config (today's value: ${DEFAULT_CONFIG.outpost.shmSizeLimit})`);
  const warnBytes = shmBytes * a.memoryWarningFractionOfShm;
  const critBytes = shmBytes * a.memoryCriticalFractionOfShm;
  const workingSet = selector("container_memory_working_set_bytes", [ns, m.outpostPod, eq("container", n.outpostContainerName)]);
  const deployment = (name: string) => [ns, eq("deployment", name)];
  const restartCmd = `kubectl -n ${c.namespace} delete pod -l ${LABEL_KEYS.outpostName}=${n.outpostSlug}`;

  const outpost: AlertRule[] = [
    {
      alert: "AuthentikOutpostMemoryHigh",
      expr: `${workingSet} > ${gib(warnBytes)} * 1024 * 1024 * 1024`,
      for: "15m",
      labels: { severity: "warning" },
      annotations: {
        summary: `Authentik outpost working set {{ $value | humanize1024 }} — /dev/shm may be filling with session files (threshold ${formatGiB(warnBytes)} of ${formatGiB(shmBytes)} sizeLimit)`,
      },
    },
    {
      alert: "AuthentikOutpostMemoryCritical",
      expr: `${workingSet} > ${gib(critBytes)} * 1024 * 1024 * 1024`,
      for: "5m",
      labels: { severity: "critical" },
      annotations: {
        summary: `Authentik outpost near /dev/shm fill ({{ $value | humanize1024 }}; threshold ${formatGiB(critBytes)} of ${formatGiB(shmBytes)} sizeLimit) — imminent forward-auth failure. Restart pod: ${restartCmd}`,
      },
    },
    {
      alert: "AuthentikOutpostRestarts",
      expr: `increase(${selector("kube_pod_container_status_restarts_total", [ns, m.outpostPod])}[30m]) > ${a.restartsPer30m}`,
      for: "5m",
      labels: { severity: "warning" },
      annotations: { summary: 'Authentik outpost restarted {{ $value | printf "%.0f" }} times in 30m — check for OOM or crash loop' },
    },
    {
      alert: "AuthentikOutpostDevShmFull",
      expr: `${selector("container_fs_usage_bytes", [ns, m.outpostPod])} / ${selector("container_fs_limit_bytes", [ns, m.outpostPod])} > ${a.shmFullFraction}`,
      for: "5m",
      labels: { severity: "critical" },
      annotations: {
        summary: "Authentik outpost filesystem at {{ $value | humanizePercentage }} on {{ $labels.pod }} — session files filling tmpfs, forward-auth imminent failure",
      },
    },
    {
      alert: "AuthentikOutpostForwardAuth400Spike",
      expr: `sum by (service) (increase(${selector("traefik_service_requests_total", [eq("code", "400"), m.outpostTraefikService])}[5m])) > ${a.forwardAuth400Per5m}`,
      for: "2m",
      labels: { severity: "critical" },
      annotations: {
        summary: `Authentik outpost returning {{ $value | printf "%.0f" }} 400s in 5m on {{ $labels.service }} — forward-auth broken for all ${a.protectedServiceCount} protected services`,
      },
    },
    {
      alert: "AuthentikForwardAuthFallbackActive",
      expr: `sum(rate(${selector("traefik_entrypoint_requests_total", [eq("code", "401"), m.entrypoint], ",")}[5m])) > ${a.fallback401RatePerSecond}`,
      for: "5m",
      labels: { severity: "critical" },
      annotations: {
        summary: `${c.ingress.entrypoint} 401 rate {{ $value | printf "%.1f" }}/s for 5m — Authentik forward-auth Emergency Access fallback likely firing. Check \`kubectl -n ${c.namespace} get endpoints ${n.outpostObjectName}\`.`,
      },
    },
    {
      alert: "AuthentikServerReplicasMismatch",
      expr: `(${selector("kube_deployment_spec_replicas", deployment(n.serverDeployment))} - ${selector("kube_deployment_status_replicas_available", deployment(n.serverDeployment))}) > 0`,
      for: "15m",
      labels: { severity: "warning" },
      annotations: { summary: "Authentik server has {{ $value }} unavailable replica(s) for 15m — check pod events" },
    },
  ];

  const down = (alert: string, name: string, summary: string): AlertRule => ({
    alert,
    expr: `(${selector("kube_deployment_status_replicas_available", deployment(name))} or on() vector(0)) < 1`,
    for: "5m",
    labels: { severity: "critical" },
    annotations: { summary },
  });
  const availability: AlertRule[] = [
    down("AuthentikDown", n.serverDeployment, "Authentik auth server has no available replicas"),
    down("PgBouncerDown", c.pgbouncer.name, "PgBouncer down — Authentik cannot reach PostgreSQL"),
  ];

  return [{ name: OUTPOST_GROUP, rules: outpost }, { name: AVAILABILITY_GROUP, rules: availability }, ...extraGroups];
}

/** The standard Prometheus rule-file YAML. */
export function renderRuleFile(groups: readonly RuleGroup[]): string {
  return stringify({ groups }, { lineWidth: 0 });
}
