/**
 * Validation of a merged stack config: first every field against the schema (config/schema.ts: types,
 * ranges, lengths, closed sets, unknown keys), then what no single field can say (relations between
 * fields, uniqueness). One line per problem, naming the field, the value and what is allowed.
 */
import { parseQuantity } from "../lib/quantity";
import { StackConfig } from "./stack-config";
import { outpostObjectName, slugify } from "./derive";
import { schemaProblems, seen } from "./schema";
import { identityProblems } from "./identity";
import { DEFAULT_LOGIN_STAGE_RESOURCE } from "./facts";

/** Raised for invalid configuration; lists every problem found, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid stack config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Checks a config; returns every problem as "config.<field>: <value> <what is wrong>; allowed: ...". */
export function configProblems(c: StackConfig): string[] {
  const fields = schemaProblems(c);
  // the relations below assume well-typed fields
  return fields.length ? fields : relationProblems(c);
}

function relationProblems(c: StackConfig): string[] {
  const p: string[] = [];
  const o = c.outpost;
  if (slugify(o.name) === "") p.push(`config.outpost.name: ${seen(o.name)} slugifies to nothing; allowed: a name with at least one letter or digit`);
  else {
    const rendered = outpostObjectName(o);
    if (rendered.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(rendered)) {
      p.push(`config.outpost.objectNamingTemplate: renders ${seen(rendered)} (${rendered.length} characters) for outpost ${seen(o.name)}; allowed: a result that is a DNS-1123 label of at most 63 characters (the Service and Deployment name)`);
    }
  }
  const shm = parseQuantity(o.shmSizeLimit)!;
  const lim = parseQuantity(o.memoryLimit)!;
  if (lim <= shm) {
    p.push(`config.outpost.memoryLimit: ${seen(o.memoryLimit)} is not larger than shmSizeLimit ${seen(o.shmSizeLimit)}; allowed: a limit above the /dev/shm size (tmpfs counts against the cgroup, so the pod is OOM-killed before /dev/shm fills)`);
  }
  const req = parseQuantity(o.memoryRequest)!;
  if (req > lim) p.push(`config.outpost.memoryRequest: ${seen(o.memoryRequest)} is larger than memoryLimit ${seen(o.memoryLimit)}; allowed: a request at most the limit (Kubernetes refuses the pod otherwise)`);

  const apps = [{ at: "catchAll", a: c.catchAll }, ...c.extraProxyApplications.map((a, i) => ({ at: `extraProxyApplications[${i}]`, a }))];
  for (const key of ["resourceName", "slug", "providerName"] as const) {
    const first = new Map<string, string>();
    for (const { at, a } of apps) {
      const prev = first.get(a[key]);
      if (prev) p.push(`config.${at}.${key}: ${seen(a[key])} is already used by ${prev}; allowed: a ${key} no other application uses (${key === "resourceName" ? "two resources at one Terraform address" : key === "slug" ? "authentik requires unique application slugs" : "authentik requires unique provider names"})`);
      else first.set(a[key], `${at}.${key}`);
    }
  }

  const b = c.pgbouncer;
  if (b.minAvailable > b.replicas) p.push(`config.pgbouncer.minAvailable: ${b.minAvailable} is more than replicas (${b.replicas}); allowed: an integer from 0 to replicas (the PodDisruptionBudget would block every drain)`);
  if (new Set(Object.values(o.ports)).size !== 3) p.push(`config.outpost.ports: ${Object.values(o.ports).join(", ")} repeats a port; allowed: three different ports (one container)`);

  // the identity layer's own relations (config/identity.ts), then where it meets the rest of the stack
  p.push(...identityProblems(c.identity).map((line) => `config.${line}`));
  const flow = c.identity.enrollment.flow;
  for (const key of ["authorizationFlowSlug", "invalidationFlowSlug"] as const) {
    if (flow.slug === c.catchAll[key]) p.push(`config.identity.enrollment.flow.slug: ${seen(flow.slug)} is already catchAll.${key}; allowed: a slug no other flow has (authentik requires unique flow slugs). Fix: keep the live "invitation-enrollment"`);
  }
  const loginKey = c.identity.enrollment.stages.login.key;
  if (loginKey === DEFAULT_LOGIN_STAGE_RESOURCE) p.push(`config.identity.enrollment.stages.login.key: ${seen(loginKey)} is the default login stage's address (authentik_stage_user_login.${loginKey}); allowed: a resource name no other login stage has. Fix: keep the live "enrollment_login"`);
  for (const [k, st] of Object.entries(c.identity.enrollment.stages)) {
    if (st.name === c.loginStage.name) p.push(`config.identity.enrollment.stages.${k}.name: ${seen(st.name)} is already loginStage.name; allowed: a stage name no other stage has (authentik requires unique stage names). Fix: give the enrollment stage its own name`);
  }

  const a = c.alerts;
  if (a.memoryWarningFractionOfShm >= a.memoryCriticalFractionOfShm) {
    p.push(`config.alerts.memoryWarningFractionOfShm: ${a.memoryWarningFractionOfShm} is not below memoryCriticalFractionOfShm ${a.memoryCriticalFractionOfShm}; allowed: warning < critical`);
  }
  return p;
}
