/**
 * PgBouncer between authentik and the dbaas PostgreSQL: config, auth file, deployment, PDB, service,
 * exactly as live today. Two known security findings are reproduced on purpose (plan-to-zero) and
 * reported by the AK010 guard: the DB password sits in the ConfigMap and in a plain env var.
 */
import { Construct } from "constructs";
import { ConfigMap } from "@cdktf/provider-kubernetes/lib/config-map";
import { Secret } from "@cdktf/provider-kubernetes/lib/secret";
import { Deployment } from "@cdktf/provider-kubernetes/lib/deployment";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { Service } from "@cdktf/provider-kubernetes/lib/service";
import { PgBouncerConfig } from "../config";
import { inAuthentikModule, pinAddress } from "../lib/state-address";

export interface PgBouncerProps {
  /** pgbouncer settings (name, image, pool sizes, upstream). @default - required */
  readonly settings: PgBouncerConfig;
  /** Namespace: a reference to the namespace resource's name, so these are created after it. @default - required */
  readonly namespace: string;
  /** Repo-wide tier label on the Deployment. @default - required */
  readonly tier: string;
  /** The database password as a Terraform reference (Vault, plan time). Never a literal. @default - required */
  readonly databasePassword: string;
}

/** pgbouncer.ini for the given settings; `password` is interpolated by Terraform at plan time. */
export function pgbouncerIni(b: PgBouncerConfig, password: string): string {
  return [
    "[databases]",
    `${b.database} = host=${b.upstreamHost} port=${b.upstreamPort} dbname=${b.database} user=${b.user} password=${password}`,
    "",
    "[pgbouncer]",
    "listen_addr = 0.0.0.0",
    `listen_port = ${b.port}`,
    "auth_type = md5",
    "auth_file = /etc/pgbouncer/userlist.txt",
    `pool_mode = ${b.poolMode}`,
    `max_client_conn = ${b.maxClientConn}`,
    `default_pool_size = ${b.defaultPoolSize}`,
    `reserve_pool_size = ${b.reservePoolSize}`,
    `reserve_pool_timeout = ${b.reservePoolTimeoutSeconds}`,
    "ignore_startup_parameters = extra_float_digits",
    "",
  ].join("\n");
}

export class PgBouncer extends Construct {
  constructor(scope: Construct, id: string, props: PgBouncerProps) {
    super(scope, id);
    const b = props.settings;
    const ns = props.namespace;
    const labels = { app: b.name };

    const config = pinAddress(
      new ConfigMap(this, "config", {
        metadata: { name: `${b.name}-config`, namespace: ns },
        data: { "pgbouncer.ini": pgbouncerIni(b, props.databasePassword) },
      }),
      "pgbouncer_config",
      inAuthentikModule("kubernetes_config_map.pgbouncer_config"),
    );
    const auth = pinAddress(
      new Secret(this, "auth", {
        metadata: { name: `${b.name}-auth`, namespace: ns },
        type: "Opaque",
        data: { "userlist.txt": `"${b.user}" "${props.databasePassword}"\n` },
      }),
      "pgbouncer_auth",
      inAuthentikModule("kubernetes_secret.pgbouncer_auth"),
    );

    const tcpProbe = (initialDelaySeconds: number, periodSeconds: number, timeoutSeconds: number) => ({
      tcpSocket: [{ port: String(b.port) }],
      initialDelaySeconds,
      periodSeconds,
      timeoutSeconds,
      failureThreshold: 3,
    });

    pinAddress(
      new Deployment(this, "deployment", {
        dependsOn: [auth],
        metadata: { name: b.name, namespace: ns, labels: { ...labels, tier: props.tier } },
        spec: {
          replicas: String(b.replicas),
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              affinity: {
                podAntiAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: [
                    {
                      topologyKey: "kubernetes.io/hostname",
                      labelSelector: [{ matchExpressions: [{ key: "component", operator: "In", values: ["server"] }] }],
                    },
                  ],
                },
              },
              container: [
                {
                  name: b.name,
                  image: b.image,
                  imagePullPolicy: "Always",
                  port: [{ containerPort: b.port }],
                  resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
                  readinessProbe: tcpProbe(5, 10, 3),
                  livenessProbe: tcpProbe(30, 30, 5),
                  volumeMount: [
                    { name: "config", mountPath: "/etc/pgbouncer/pgbouncer.ini", subPath: "pgbouncer.ini" },
                    { name: "auth", mountPath: "/etc/pgbouncer/userlist.txt", subPath: "userlist.txt" },
                  ],
                  env: [
                    {
                      name: "DATABASES_AUTHENTIK",
                      value: `host=${b.envUpstreamHost} port=${b.upstreamPort} dbname=${b.database} user=${b.user} password=${props.databasePassword}`,
                    },
                  ],
                },
              ],
              volume: [
                { name: "config", configMap: { name: config.metadata.name } },
                { name: "auth", secret: { secretName: auth.metadata.name } },
              ],
              dnsConfig: { option: [{ name: "ndots", value: "2" }] },
            },
          },
        },
        // a Kyverno admission webhook mutates dns_config (ndots=2)
        lifecycle: { ignoreChanges: ["spec[0].template[0].spec[0].dns_config"] as any },
      }),
      "pgbouncer",
      inAuthentikModule("kubernetes_deployment.pgbouncer"),
    );

    pinAddress(
      new PodDisruptionBudgetV1(this, "pdb", {
        metadata: { name: b.name, namespace: ns },
        spec: { minAvailable: String(b.minAvailable), selector: { matchLabels: labels } },
      }),
      "pgbouncer",
      inAuthentikModule("kubernetes_pod_disruption_budget_v1.pgbouncer"),
    );

    pinAddress(
      new Service(this, "service", {
        metadata: { name: b.name, namespace: ns },
        spec: { selector: labels, type: "ClusterIP", port: [{ port: b.port, targetPort: String(b.port), protocol: "TCP" }] },
      }),
      "pgbouncer",
      inAuthentikModule("kubernetes_service.pgbouncer"),
    );
  }
}
