/**
 * The live identity objects, as a seed for the loopback authentik API (authentik-api/). Written from the
 * seed's state snapshot (../shared/seed/authentik-seed.md: "Groups", "Invitation Enrollment Flow",
 * "Login Sources", "Policy Fix"), not from config/identity.ts: each object is created the way the operator
 * created it in the UI, giving what the seed states and leaving the rest to authentik's model defaults
 * (which the stand-in applies). Two things the seed does not state are taken from the config and said
 * so: the prompt fields' details and the assignment policy's expression text. PKs the seed gives are used
 * (flow 7d667321..., reputation policy ac98cb11...); the rest are fixed test UUIDs. People are
 * example.org identities.
 */
import { DEFAULT_IDENTITY, groupAssignmentExpression } from "../../config/identity";

const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

export const PK = {
  flow: "7d667321-2b02-4e16-8161-148078a8dac1", // seed
  reputation: "ac98cb11-31d3-46ab-8883-bf51e6b09a60", // seed
  webauthnFlow: id(0x100),
  groups: {
    "Allow Login Users": id(1), "authentik Admins": id(2), "Headscale Users": id(3), "Home Server Admins": id(4), "Wrongmove Users": id(5),
    "kubernetes-admins": id(6), "kubernetes-power-users": id(7), "kubernetes-namespace-owners": id(8), "Task Submitters": id(9),
  } as Record<string, string>,
  sources: { google: id(0x201), github: id(0x202), facebook: id(0x203) } as Record<string, string>,
  stages: { invitation: id(0x301), identification: id(0x302), prompt: id(0x303), userWrite: id(0x304), login: id(0x305) },
  prompts: { name: id(0x401), email: id(0x402) },
  bindings: { 10: id(0x501), 20: id(0x502), 30: id(0x503), 40: id(0x504), 50: id(0x505) } as Record<number, string>,
  expression: id(0x601),
  policyBinding: id(0x701),
};

/** The seed document for startAuthentikApi({ seed }). */
export function identitySeed(): any {
  const g = PK.groups;
  const group = (name: string, is_superuser = false, parent?: string) => ({ pk: g[name], name, is_superuser, parents: parent ? [g[parent]] : [] });
  const source = (slug: string, name: string, provider_type: string) => ({ pk: PK.sources[slug], slug, name, provider_type, consumer_key: `test-${slug}-client-id`, consumer_secret: `test-${slug}-client-secret`, enrollment_flow: PK.flow });
  const prompts = DEFAULT_IDENTITY.enrollment.stages.prompt.fields; // not in the seed: the config's
  return {
    objects: {
      "/core/groups/": [
        group("Allow Login Users"),
        group("authentik Admins", true),
        group("Headscale Users", false, "Allow Login Users"),
        group("Home Server Admins", false, "Allow Login Users"),
        group("Wrongmove Users", false, "Allow Login Users"),
        group("kubernetes-admins"),
        group("kubernetes-power-users"),
        group("kubernetes-namespace-owners"),
        group("Task Submitters"),
      ],
      "/flows/instances/": [
        { pk: PK.flow, slug: "invitation-enrollment", name: "invitation-enrollment", title: "Sign up", designation: "enrollment" },
        { pk: PK.webauthnFlow, slug: "webauthn", name: "webauthn", title: "Passkey", designation: "authentication" },
      ],
      "/sources/oauth/": [source("google", "Google", "google"), source("github", "GitHub", "github"), source("facebook", "Facebook", "facebook")],
      "/stages/prompt/prompts/": [
        { pk: PK.prompts.name, name: prompts[0].name, field_key: prompts[0].fieldKey, label: prompts[0].label, type: prompts[0].type, required: prompts[0].required, order: prompts[0].order, placeholder: prompts[0].placeholder },
        { pk: PK.prompts.email, name: prompts[1].name, field_key: prompts[1].fieldKey, label: prompts[1].label, type: prompts[1].type, required: prompts[1].required, order: prompts[1].order, placeholder: prompts[1].placeholder },
      ],
      "/stages/invitation/stages/": [{ pk: PK.stages.invitation, name: "invitation-validation", continue_flow_without_invitation: false }],
      "/stages/identification/": [
        { pk: PK.stages.identification, name: "enrollment-identification", user_fields: [], sources: [PK.sources.google, PK.sources.github, PK.sources.facebook], passwordless_flow: PK.webauthnFlow },
      ],
      "/stages/prompt/stages/": [{ pk: PK.stages.prompt, name: "enrollment-prompt", fields: [PK.prompts.name, PK.prompts.email] }],
      "/stages/user_write/": [{ pk: PK.stages.userWrite, name: "enrollment-user-write", create_users_group: g["Allow Login Users"] }],
      "/stages/user_login/": [{ pk: PK.stages.login, name: "enrollment-login" }],
      "/flows/bindings/": (["invitation", "identification", "prompt", "userWrite", "login"] as const).map((s, i) => ({ pk: PK.bindings[(i + 1) * 10], target: PK.flow, stage: PK.stages[s], order: (i + 1) * 10 })),
      "/policies/expression/": [{ pk: PK.expression, name: "invitation-group-assignment", expression: groupAssignmentExpression(DEFAULT_IDENTITY.invitationTargetGroups) }],
      "/policies/reputation/": [{ pk: PK.reputation, name: "brute-force-protection", check_username: true, check_ip: true, threshold: -5 }],
      "/policies/bindings/": [{ pk: PK.policyBinding, target: PK.bindings[50], policy: PK.expression, order: 0 }],
      "/core/users/": [
        { username: "alice", name: "Alice Example", email: "alice@example.org" },
        { username: "bob", name: "Bob Example", email: "bob@example.org" },
      ],
    },
  };
}
