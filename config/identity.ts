/**
 * The identity layer: the groups, the invitation enrollment flow with its five stages and bindings, the
 * invitation group-assignment policy and the brute-force reputation policy that live in authentik today
 * (../shared/seed/authentik-seed.md: "Groups", "Invitation Enrollment Flow", "Policy Fix").
 *
 * Provenance of every value, marked on each line:
 * - `seed`: stated by the seed's state snapshot.
 * - `authentik default`: not stated by the seed, so the live object holds what authentik 2026.2 stores
 *   when the field is left out (the model default, as the server's API returns it). Where the goauthentik
 *   provider 2026.2.1 declares a *different* default (schemas/authentik.defaults.json), the value is set
 *   explicitly here and the line says so: leaving it to the provider would change the live object on the
 *   first apply (the class of mistake that once destroyed eight adopted objects).
 * - `assumed`: neither the seed nor a default decides it (names the seed doesn't give, the policy text);
 *   `npx authentik-stack adopt` finds objects by these names and plan-to-zero shows any attribute that
 *   differs from the live object, so an assumption can't pass silently.
 *
 * Users are not managed (they hold people's data); social sources and OAuth2 providers hold client
 * secrets and are only referenced (data sources, by slug).
 *
 * Imports nothing from the project: the stack, the guards and the invite command all read it.
 *
 * Longer than 300 lines because the types, the live values with their provenance, the assignment
 * expression (shared by the construct and AK014) and the validation belong to one decision each change
 * has to see whole.
 */

/** One authentik group. */
export interface GroupSpec {
  /** Terraform resource name (`authentik_group.<key>`): part of the state contract, never renamed. */
  readonly key: string;
  /** Group name in authentik (unique; invitations and `invite assign` name groups by it). */
  readonly name: string;
  /** Parent group's name. @default - none (a top-level group) */
  readonly parent?: string;
  /** Members (and members of child groups) are superusers. @default false */
  readonly isSuperuser: boolean;
}

/** A prompt field shown by the enrollment prompt stage. */
export interface PromptFieldSpec {
  /** Terraform resource name (`authentik_stage_prompt_field.<key>`). */
  readonly key: string;
  /** Prompt name in authentik (unique). */
  readonly name: string;
  /** Context key the value is stored under (`name`, `email` are what the user write stage reads). */
  readonly fieldKey: string;
  /** Label shown to the user. */
  readonly label: string;
  /** Prompt type (authentik's PromptTypeEnum). */
  readonly type: "text" | "email";
  /** Whether the field must be filled. */
  readonly required: boolean;
  /** Position within the stage. */
  readonly order: number;
  /** Placeholder text. @default "" */
  readonly placeholder: string;
}

/** The five stages of the enrollment flow, in the order the seed lists them. */
export interface EnrollmentStages {
  readonly invitation: {
    readonly key: string;
    readonly name: string;
    /** Let users without a valid ?itoken= continue (this flow exists to prevent exactly that). */
    readonly continueFlowWithoutInvitation: boolean;
  };
  readonly identification: {
    readonly key: string;
    readonly name: string;
    /** User fields matched against the entered identifier; empty = no username/password entry. */
    readonly userFields: readonly ("email" | "username" | "upn")[];
    /** Slugs of the social login sources shown (data sources: they hold client secrets). */
    readonly sourceSlugs: readonly string[];
    /** Slug of the passkey (WebAuthn) flow linked from the stage. */
    readonly passwordlessFlowSlug: string;
    readonly caseInsensitiveMatching: boolean;
    readonly showMatchedUser: boolean;
    readonly showSourceLabels: boolean;
    readonly pretendUserExists: boolean;
    readonly enableRememberMe: boolean;
  };
  readonly prompt: {
    readonly key: string;
    readonly name: string;
    readonly fields: readonly PromptFieldSpec[];
  };
  readonly userWrite: {
    readonly key: string;
    readonly name: string;
    /** Name of the group new users are created in. */
    readonly groupName: string;
    readonly userCreationMode: "never_create" | "create_when_required" | "always_create";
    /** Create users inactive (they could not log in at the next stage). */
    readonly createUsersAsInactive: boolean;
    readonly userType: "internal" | "external" | "service_account";
    readonly userPathTemplate: string;
  };
  readonly login: {
    readonly key: string;
    readonly name: string;
    /** authentik duration; `seconds=0` = the browser session. */
    readonly sessionDuration: string;
    readonly rememberMeOffset: string;
    readonly rememberDevice: string;
    readonly terminateOtherSessions: boolean;
    readonly networkBinding: "no_binding" | "bind_asn" | "bind_asn_network" | "bind_asn_network_ip";
    readonly geoipBinding: "no_binding" | "bind_continent" | "bind_continent_country" | "bind_continent_country_city";
  };
}

export type EnrollmentStageName = keyof EnrollmentStages;

/** How each stage is bound to the flow (authentik_flow_stage_binding). */
export interface StageBindingSpec {
  /** Terraform resource name (`authentik_flow_stage_binding.<key>`). */
  readonly key: string;
  /** Position in the flow; the seed's 10..50. */
  readonly order: number;
  readonly evaluateOnPlan: boolean;
  readonly reEvaluatePolicies: boolean;
  readonly invalidResponseAction: "retry" | "restart" | "restart_with_context";
  readonly policyEngineMode: "all" | "any";
}

export interface IdentityConfig {
  /** The nine groups (seed, "Groups"). */
  readonly groups: readonly GroupSpec[];
  /** The one group whose members are superusers (authentik's own admin group). */
  readonly adminGroup: string;
  /** Groups an invitation's `fixed_data.group` may name; `invite create` and the assignment policy refuse others. */
  readonly invitationTargetGroups: readonly string[];
  readonly enrollment: {
    readonly flow: {
      readonly key: string;
      readonly slug: string;
      readonly name: string;
      readonly title: string;
      readonly designation: "enrollment";
      readonly authentication: "none" | "require_authenticated" | "require_unauthenticated" | "require_superuser" | "require_redirect" | "require_outpost";
      readonly layout: "stacked" | "content_left" | "content_right" | "sidebar_left" | "sidebar_right";
      readonly deniedAction: "message_continue" | "message" | "continue";
      readonly policyEngineMode: "all" | "any";
      readonly compatibilityMode: boolean;
      readonly background: string;
    };
    readonly stages: EnrollmentStages;
    /** One binding per stage, keyed like the stages. */
    readonly bindings: Readonly<Record<EnrollmentStageName, StageBindingSpec>>;
  };
  /** The expression policy that adds an enrolling user to the invitation's group. */
  readonly groupAssignmentPolicy: {
    readonly key: string;
    readonly name: string;
    /** The stage whose binding the policy is bound to (seed: the user login stage, order 50). */
    readonly boundToStage: EnrollmentStageName;
    /** Resource name of the policy binding. */
    readonly bindingKey: string;
    readonly order: number;
    readonly executionLogging: boolean;
    readonly timeoutSeconds: number;
    readonly failureResult: boolean;
  };
  /** The reputation policy kept unbound at flow level (seed, "Policy Fix"). */
  readonly bruteForcePolicy: {
    readonly key: string;
    readonly name: string;
    readonly checkUsername: boolean;
    readonly checkIp: boolean;
    readonly threshold: number;
    readonly executionLogging: boolean;
  };
}

/** authentik's built-in superuser group. */
export const ADMIN_GROUP = "authentik Admins";
/** Where the enrollment flow puts new users. */
export const LOGIN_GROUP = "Allow Login Users";

const binding = (key: string, order: number): StageBindingSpec => ({
  key,
  order, // seed
  evaluateOnPlan: false, // authentik default (provider default true differs: set explicitly)
  reEvaluatePolicies: true, // authentik default (provider default false differs: set explicitly)
  invalidResponseAction: "retry", // authentik default
  policyEngineMode: "any", // authentik default
});

export const DEFAULT_IDENTITY: IdentityConfig = {
  // seed: names, parents, superuser flags; keys are this stack's addresses
  groups: [
    { key: "allow_login_users", name: LOGIN_GROUP, isSuperuser: false },
    { key: "authentik_admins", name: ADMIN_GROUP, isSuperuser: true },
    { key: "headscale_users", name: "Headscale Users", parent: LOGIN_GROUP, isSuperuser: false },
    { key: "home_server_admins", name: "Home Server Admins", parent: LOGIN_GROUP, isSuperuser: false },
    { key: "wrongmove_users", name: "Wrongmove Users", parent: LOGIN_GROUP, isSuperuser: false },
    { key: "kubernetes_admins", name: "kubernetes-admins", isSuperuser: false },
    { key: "kubernetes_power_users", name: "kubernetes-power-users", isSuperuser: false },
    { key: "kubernetes_namespace_owners", name: "kubernetes-namespace-owners", isSuperuser: false },
    { key: "task_submitters", name: "Task Submitters", isSuperuser: false },
  ],
  adminGroup: ADMIN_GROUP, // seed
  // seed: the children of Allow Login Users are the app-access groups invitations hand out ("Headscale
  // Users", "Wrongmove Users" in the seed's examples); admin and RBAC groups are granted by hand (invite assign)
  invitationTargetGroups: ["Headscale Users", "Home Server Admins", "Wrongmove Users"],
  enrollment: {
    flow: {
      key: "invitation_enrollment",
      slug: "invitation-enrollment", // seed
      name: "invitation-enrollment", // assumed (the seed gives the slug only)
      title: "Sign up", // assumed
      designation: "enrollment", // seed
      authentication: "none", // authentik default
      layout: "stacked", // authentik default
      deniedAction: "message_continue", // authentik default
      policyEngineMode: "any", // authentik default
      compatibilityMode: false, // authentik default (provider default true differs: set explicitly)
      background: "", // authentik default (none: the server shows its default image; provider default differs)
    },
    stages: {
      invitation: {
        key: "invitation_validation",
        name: "invitation-validation", // seed
        continueFlowWithoutInvitation: false, // seed ("blocks without valid token"); authentik default
      },
      identification: {
        key: "enrollment_identification",
        name: "enrollment-identification", // seed
        userFields: [], // seed ("No username/password enrollment")
        sourceSlugs: ["google", "github", "facebook"], // seed (Google/GitHub/Facebook); slugs assumed
        passwordlessFlowSlug: "webauthn", // seed (the "webauthn" passkey flow)
        caseInsensitiveMatching: true, // authentik default
        showMatchedUser: true, // authentik default
        showSourceLabels: false, // authentik default
        pretendUserExists: true, // authentik default
        enableRememberMe: false, // authentik default
      },
      prompt: {
        key: "enrollment_prompt",
        name: "enrollment-prompt", // seed
        // seed: name and email, pre-filled from the social login (authentik pre-fills prompts whose
        // field_key matches the source's prompt_data); prompt names assumed
        fields: [
          { key: "enrollment_field_name", name: "enrollment-field-name", fieldKey: "name", label: "Name", type: "text", required: true, order: 0, placeholder: "Name" },
          { key: "enrollment_field_email", name: "enrollment-field-email", fieldKey: "email", label: "Email", type: "email", required: true, order: 1, placeholder: "Email" },
        ],
      },
      userWrite: {
        key: "enrollment_user_write",
        name: "enrollment-user-write", // seed
        groupName: LOGIN_GROUP, // seed
        userCreationMode: "create_when_required", // authentik default
        createUsersAsInactive: false, // authentik default (provider default true differs: new users could not log in)
        userType: "external", // authentik default
        userPathTemplate: "", // authentik default
      },
      login: {
        key: "enrollment_login",
        name: "enrollment-login", // seed
        sessionDuration: "seconds=0", // authentik default
        rememberMeOffset: "seconds=0", // authentik default
        rememberDevice: "days=30", // authentik default
        terminateOtherSessions: false, // authentik default
        networkBinding: "no_binding", // authentik default
        geoipBinding: "no_binding", // authentik default
      },
    },
    bindings: {
      invitation: binding("invitation_enrollment_10", 10),
      identification: binding("invitation_enrollment_20", 20),
      prompt: binding("invitation_enrollment_30", 30),
      userWrite: binding("invitation_enrollment_40", 40),
      login: binding("invitation_enrollment_50", 50),
    },
  },
  groupAssignmentPolicy: {
    key: "invitation_group_assignment",
    name: "invitation-group-assignment", // seed
    boundToStage: "login", // seed (policy on enrollment-login)
    bindingKey: "invitation_group_assignment_login",
    order: 0, // authentik default (first binding)
    executionLogging: false, // authentik default
    timeoutSeconds: 30, // authentik default
    failureResult: false, // authentik default
  },
  bruteForcePolicy: {
    key: "brute_force_protection",
    name: "brute-force-protection", // seed
    checkUsername: true, // seed
    checkIp: true, // seed
    threshold: -5, // seed (provider default 10 differs)
    executionLogging: false, // authentik default
  },
};

/** The marker line of the assignment expression that lists the groups an invitation may target. */
export const TARGETS_MARKER = "INVITATION_TARGET_GROUPS = ";

/**
 * The invitation-group-assignment expression (authentik expression policy, Python). Evaluated on the
 * login stage's binding (re-evaluated when the stage runs, so the pending user exists): it reads the
 * invitation the invitation stage put in the flow context and adds the user to the group its
 * `fixed_data.group` names, only if that group is one invitations may target. The allow-list line is
 * JSON (valid Python for plain strings), so the guards read it back with {@link invitationTargetsOf}.
 */
export function groupAssignmentExpression(targets: readonly string[]): string {
  return [
    "# Managed by authentik-stack (config/identity.ts). Adds the enrolling user to the group named in the",
    "# invitation's fixed_data.group, if invitations may target that group.",
    `${TARGETS_MARKER}${JSON.stringify([...targets])}`,
    "from authentik.core.models import Group",
    "invitation = context.get(\"invitation\")",
    "fixed = (invitation.fixed_data if invitation else None) or {}",
    "name = fixed.get(\"group\")",
    "if not name:",
    "    return True",
    "if name not in INVITATION_TARGET_GROUPS:",
    "    ak_message(\"This invitation names a group it may not grant.\")",
    "    return False",
    "group = Group.objects.filter(name=name).first()",
    "if group is None:",
    "    ak_message(\"The invitation's group no longer exists.\")",
    "    return False",
    "group.users.add(request.user)",
    "return True",
  ].join("\n");
}

/** The target groups an assignment expression allows, or undefined when it has no readable marker line. */
export function invitationTargetsOf(expression: string): string[] | undefined {
  const line = expression.split("\n").find((l) => l.startsWith(TARGETS_MARKER));
  if (!line) return undefined;
  try {
    const v = JSON.parse(line.slice(TARGETS_MARKER.length));
    return Array.isArray(v) && v.every((x) => typeof x === "string") ? v : undefined;
  } catch {
    return undefined;
  }
}

const KEY = /^[a-z][a-z0-9_]*$/;

/** Every problem with an identity config, one line each (field, value, what is allowed, fix). */
export function identityProblems(c: IdentityConfig): string[] {
  const out: string[] = [];
  const names = new Map<string, GroupSpec>();
  const keys = new Set<string>();
  const addKey = (field: string, key: string) => {
    if (!KEY.test(key)) out.push(`identity.${field}: '${key}' is not a Terraform resource name; allowed: lower-case letters, digits and _ (starting with a letter). Fix: keep the key the state already uses.`);
    else if (keys.has(key)) out.push(`identity.${field}: key '${key}' is used twice; allowed: one object per key. Fix: give each object its own key.`);
    keys.add(key);
  };
  c.groups.forEach((g, i) => {
    addKey(`groups[${i}].key`, g.key);
    if (!g.name.trim()) out.push(`identity.groups[${i}].name: empty; allowed: a group name. Fix: set the group's name in authentik.`);
    if (names.has(g.name)) out.push(`identity.groups[${i}].name: '${g.name}' is listed twice; allowed: unique group names (authentik enforces it). Fix: remove the duplicate.`);
    names.set(g.name, g);
  });
  c.groups.forEach((g, i) => {
    if (g.parent !== undefined && !names.has(g.parent)) out.push(`identity.groups[${i}].parent: '${g.parent}' is not a group of the stack; allowed: ${[...names.keys()].join(", ")}. Fix: add the parent group or correct the name.`);
    const seen = new Set<string>([g.name]);
    for (let p = g.parent; p !== undefined; p = names.get(p)?.parent) {
      if (seen.has(p)) {
        out.push(`identity.groups[${i}].parent: '${g.name}' is its own ancestor (through '${p}'); allowed: a tree. Fix: break the cycle.`);
        break;
      }
      seen.add(p);
    }
  });
  if (!names.has(c.adminGroup)) out.push(`identity.adminGroup: '${c.adminGroup}' is not a group of the stack; allowed: ${[...names.keys()].join(", ")}. Fix: list it under identity.groups.`);
  c.invitationTargetGroups.forEach((t, i) => {
    if (!names.has(t)) out.push(`identity.invitationTargetGroups[${i}]: '${t}' is not a group of the stack; allowed: ${[...names.keys()].join(", ")}. Fix: add the group or remove it from the targets.`);
    else if (isSuperuserGroup(c, t)) out.push(`identity.invitationTargetGroups[${i}]: '${t}' makes its members superusers; allowed: groups without superuser rights. Fix: grant admin rights by hand, never through an invitation.`);
  });
  const s = c.enrollment.stages;
  if (!names.has(s.userWrite.groupName)) out.push(`identity.enrollment.stages.userWrite.groupName: '${s.userWrite.groupName}' is not a group of the stack; allowed: ${[...names.keys()].join(", ")}. Fix: add the group or correct the name.`);
  if (!/^[-a-zA-Z0-9_]+$/.test(c.enrollment.flow.slug)) out.push(`identity.enrollment.flow.slug: '${c.enrollment.flow.slug}' is not a slug; allowed: letters, digits, - and _. Fix: use the flow's slug from its URL.`);
  addKey("enrollment.flow.key", c.enrollment.flow.key);
  for (const [k, st] of Object.entries(s)) addKey(`enrollment.stages.${k}.key`, (st as { key: string }).key);
  s.prompt.fields.forEach((f, i) => addKey(`enrollment.stages.prompt.fields[${i}].key`, f.key));
  const orders = new Set<number>();
  for (const [k, b] of Object.entries(c.enrollment.bindings)) {
    addKey(`enrollment.bindings.${k}.key`, b.key);
    if (!Number.isInteger(b.order)) out.push(`identity.enrollment.bindings.${k}.order: ${b.order} is not an integer; allowed: integers. Fix: use the seed's 10, 20, ...`);
    if (orders.has(b.order)) out.push(`identity.enrollment.bindings.${k}.order: ${b.order} is used twice; allowed: one stage per position. Fix: give each stage its own order.`);
    orders.add(b.order);
  }
  // authentik keeps one namespace of names per kind: stages (all types together), prompts, policies
  const unique = (kind: string, items: ReadonlyArray<readonly [string, string]>, why: string) => {
    const first = new Map<string, string>();
    for (const [field, name] of items) {
      const prev = first.get(name);
      if (prev) out.push(`identity.${field}: '${name}' is already the name of ${prev}; allowed: a ${kind} no other one uses (${why}). Fix: give it its own name.`);
      else first.set(name, field);
    }
  };
  unique("stage name", Object.entries(s).map(([k, st]) => [`enrollment.stages.${k}.name`, (st as { name: string }).name] as const), "authentik requires unique stage names");
  unique("prompt name", s.prompt.fields.map((f, i) => [`enrollment.stages.prompt.fields[${i}].name`, f.name] as const), "authentik requires unique prompt names");
  unique("field key", s.prompt.fields.map((f, i) => [`enrollment.stages.prompt.fields[${i}].fieldKey`, f.fieldKey] as const), "two prompts would write one context value");
  unique("policy name", [["groupAssignmentPolicy.name", c.groupAssignmentPolicy.name], ["bruteForcePolicy.name", c.bruteForcePolicy.name]], "authentik requires unique policy names");
  if (s.identification.passwordlessFlowSlug === c.enrollment.flow.slug) out.push(`identity.enrollment.stages.identification.passwordlessFlowSlug: '${s.identification.passwordlessFlowSlug}' is the enrollment flow itself; allowed: the passkey (WebAuthn) flow's slug. Fix: use the passkey flow's slug (live: webauthn).`);
  addKey("groupAssignmentPolicy.key", c.groupAssignmentPolicy.key);
  addKey("groupAssignmentPolicy.bindingKey", c.groupAssignmentPolicy.bindingKey);
  addKey("bruteForcePolicy.key", c.bruteForcePolicy.key);
  if (!Number.isInteger(c.bruteForcePolicy.threshold)) out.push(`identity.bruteForcePolicy.threshold: ${c.bruteForcePolicy.threshold} is not an integer; allowed: integers (authentik scores are whole numbers). Fix: e.g. -5.`);
  return out;
}

/** Whether a group (or one of its ancestors) makes members superusers. */
export function isSuperuserGroup(c: Pick<IdentityConfig, "groups">, name: string): boolean {
  const byName = new Map(c.groups.map((g) => [g.name, g]));
  const seen = new Set<string>();
  for (let g = byName.get(name); g && !seen.has(g.name); g = g.parent === undefined ? undefined : byName.get(g.parent)) {
    if (g.isSuperuser) return true;
    seen.add(g.name);
  }
  return false;
}
