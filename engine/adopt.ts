/**
 * adopt: find each object of the identity layer in the live authentik (by name, slug, or for bindings by
 * what they bind) and return the imports the adoption file holds (Terraform address -> import id). No
 * argument parsing or output here (cli/adopt.ts). Nothing is written to authentik: only list calls.
 */
import { IdentityConfig, EnrollmentStageName } from "../config/identity";
import { AuthentikClient, call } from "../io/authentik-client";
import { InputError } from "../lib/errors";

export interface AdoptionResult {
  /** Address -> import id, for every object found. */
  readonly imports: Record<string, string>;
  /** Objects not found: the stack would create them (listed with how they were looked for). */
  readonly missing: Array<{ address: string; lookedFor: string }>;
}

type Lister = (q: Record<string, unknown>) => Promise<{ results: Array<Record<string, any>> }>;

const STAGE_TYPES: Record<EnrollmentStageName, { type: string; list: (c: AuthentikClient) => Lister }> = {
  invitation: { type: "authentik_stage_invitation", list: (c) => (q) => c.stages.stagesInvitationStagesList(q) },
  identification: { type: "authentik_stage_identification", list: (c) => (q) => c.stages.stagesIdentificationList(q) },
  prompt: { type: "authentik_stage_prompt", list: (c) => (q) => c.stages.stagesPromptStagesList(q) },
  userWrite: { type: "authentik_stage_user_write", list: (c) => (q) => c.stages.stagesUserWriteList(q) },
  login: { type: "authentik_stage_user_login", list: (c) => (q) => c.stages.stagesUserLoginList(q) },
};

/** Finds every identity object; throws (InputError) when a lookup is ambiguous. */
export async function findAdoptions(c: AuthentikClient, id: IdentityConfig, onProgress: (l: string) => void = () => undefined): Promise<AdoptionResult> {
  const imports: Record<string, string> = {};
  const missing: AdoptionResult["missing"] = [];
  /** One object by a query; undefined when absent. */
  const one = async (address: string, lookedFor: string, list: Lister, q: Record<string, unknown>, match: (o: Record<string, any>) => boolean = () => true) => {
    const res = await call(c.url, `adopt ${address} (${lookedFor})`, () => list({ ...q, pageSize: 100 }));
    const hits = res.results.filter(match);
    if (hits.length > 1) throw new InputError(`adopt ${address}: ${hits.length} live objects match ${lookedFor} (${hits.map((h) => h.pk).join(", ")}); allowed: exactly one. Fix: remove the duplicate in authentik, then rerun adopt`);
    if (!hits.length) missing.push({ address, lookedFor });
    return hits[0];
  };

  onProgress(`looking up ${id.groups.length} groups`);
  for (const g of id.groups) {
    const hit = await one(`authentik_group.${g.key}`, `group named '${g.name}'`, (q) => c.core.coreGroupsList(q), { name: g.name }, (o) => o.name === g.name);
    if (hit) imports[`authentik_group.${g.key}`] = String(hit.pk);
  }

  onProgress("looking up the enrollment flow, its stages and bindings");
  const f = id.enrollment.flow;
  const flow = await one(`authentik_flow.${f.key}`, `flow with slug '${f.slug}'`, (q) => c.flows.flowsInstancesList(q), { slug: f.slug }, (o) => o.slug === f.slug);
  // the goauthentik provider imports (and identifies) flows by slug
  if (flow) imports[`authentik_flow.${f.key}`] = String(flow.slug);

  const s = id.enrollment.stages;
  for (const p of s.prompt.fields) {
    const hit = await one(`authentik_stage_prompt_field.${p.key}`, `prompt named '${p.name}'`, (q) => c.stages.stagesPromptPromptsList(q), { name: p.name }, (o) => o.name === p.name);
    if (hit) imports[`authentik_stage_prompt_field.${p.key}`] = String(hit.pk);
  }
  const stagePk: Partial<Record<EnrollmentStageName, string>> = {};
  for (const name of Object.keys(STAGE_TYPES) as EnrollmentStageName[]) {
    const spec = s[name];
    const t = STAGE_TYPES[name];
    const address = `${t.type}.${spec.key}`;
    const hit = await one(address, `stage named '${spec.name}'`, t.list(c), { name: spec.name }, (o) => o.name === spec.name);
    if (hit) {
      imports[address] = String(hit.pk);
      stagePk[name] = String(hit.pk);
    }
  }

  const bindingPk: Partial<Record<EnrollmentStageName, string>> = {};
  for (const name of Object.keys(STAGE_TYPES) as EnrollmentStageName[]) {
    const b = id.enrollment.bindings[name];
    const address = `authentik_flow_stage_binding.${b.key}`;
    if (!flow || !stagePk[name]) {
      missing.push({ address, lookedFor: `binding of stage '${s[name].name}' to flow '${f.slug}' (flow or stage not found)` });
      continue;
    }
    const hit = await one(address, `binding of stage '${s[name].name}' to flow '${f.slug}'`, (q) => c.flows.flowsBindingsList(q), { target: flow.pk, stage: stagePk[name] }, (o) => String(o.target) === String(flow.pk) && String(o.stage) === stagePk[name]);
    if (hit) {
      imports[address] = String(hit.pk);
      bindingPk[name] = String(hit.pk);
    }
  }

  onProgress("looking up the policies and the assignment policy's binding");
  const ga = id.groupAssignmentPolicy;
  const expr = await one(`authentik_policy_expression.${ga.key}`, `expression policy named '${ga.name}'`, (q) => c.policies.policiesExpressionList(q), { name: ga.name }, (o) => o.name === ga.name);
  if (expr) imports[`authentik_policy_expression.${ga.key}`] = String(expr.pk);
  const bf = id.bruteForcePolicy;
  const rep = await one(`authentik_policy_reputation.${bf.key}`, `reputation policy named '${bf.name}'`, (q) => c.policies.policiesReputationList(q), { name: bf.name }, (o) => o.name === bf.name);
  if (rep) imports[`authentik_policy_reputation.${bf.key}`] = String(rep.pk);
  const target = bindingPk[ga.boundToStage];
  const pbAddress = `authentik_policy_binding.${ga.bindingKey}`;
  if (expr && target) {
    const hit = await one(pbAddress, `binding of '${ga.name}' to the ${s[ga.boundToStage].name} stage binding`, (q) => c.policies.policiesBindingsList(q), { target, policy: expr.pk }, (o) => String(o.target) === target && String(o.policy) === String(expr.pk));
    if (hit) imports[pbAddress] = String(hit.pk);
  } else {
    missing.push({ address: pbAddress, lookedFor: `binding of '${ga.name}' (policy or stage binding not found)` });
  }
  return { imports, missing };
}
