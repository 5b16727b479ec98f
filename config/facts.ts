/**
 * Facts the stack, the guards, the model and the CLI share that are not choices: label keys, the labels
 * the chart puts on the server pods, the outpost's PostgreSQL env, the names of the stack's outputs.
 * Declared once here; everything else imports them.
 */

/** Label keys the outpost controller and the authentik chart put on pods. */
export const LABEL_KEYS = {
  name: "app.kubernetes.io/name",
  managedBy: "app.kubernetes.io/managed-by",
  component: "app.kubernetes.io/component",
  outpostName: "goauthentik.io/outpost-name",
  outpostType: "goauthentik.io/outpost-type",
  outpostUuid: "goauthentik.io/outpost-uuid",
} as const;

/** The labels the authentik chart's server pods carry (what the 2026.2 controller's embedded-outpost selector picks). */
export const SERVER_POD_LABELS: Readonly<Record<string, string>> = { [LABEL_KEYS.name]: "authentik", [LABEL_KEYS.component]: "server" };

/** The component label the embedded selector carries, which the outpost pods get by a patch. */
export const OUTPOST_COMPONENT_LABEL = { key: LABEL_KEYS.component, value: SERVER_POD_LABELS[LABEL_KEYS.component] } as const;

/** The five variables the outpost needs to reach PostgreSQL (its session store). */
export const OUTPOST_POSTGRES_ENV = [
  "AUTHENTIK_POSTGRESQL__HOST",
  "AUTHENTIK_POSTGRESQL__PORT",
  "AUTHENTIK_POSTGRESQL__USER",
  "AUTHENTIK_POSTGRESQL__PASSWORD",
  "AUTHENTIK_POSTGRESQL__NAME",
] as const;

/** Names of the stack's Terraform outputs. */
export const OUTPUTS = {
  /** The Prometheus rule file the monitoring stack includes. */
  alertRules: "alerting_rules_yaml",
} as const;

/** Mount path and volume name of the outpost's memory-backed /dev/shm. */
export const DEV_SHM = { volume: "dshm", mountPath: "/dev/shm" } as const;

/** Terraform resource name of the default login stage (`authentik_stage_user_login.default_login`): part of the state contract. */
export const DEFAULT_LOGIN_STAGE_RESOURCE = "default_login";
