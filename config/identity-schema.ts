/**
 * The schema of the config's `identity` section (config/identity.ts): the groups, the invitation
 * enrollment flow with its stages and bindings, the policies; ranges and closed sets as authentik's API
 * declares them (authentik-api/openapi: int32 orders and scores, the enums). Relations between fields
 * (unique names and keys, parents that exist) are identityProblems' in config/identity.ts.
 */
import { IdentityConfig } from "./identity";
import { bool, duration, durationOrZero, int, int32, INT32_MAX, list, maybeEmpty, obj, ObjectNode, oneOf, slug, str, text, tfKey } from "./schema-nodes";

/** An authentik object name (unique per kind in authentik). */
const akName = text(200);

type Id = IdentityConfig;
type Stages = Id["enrollment"]["stages"];
const binding = obj<Id["enrollment"]["bindings"]["login"]>({
  key: tfKey,
  order: int32("position"),
  evaluateOnPlan: bool,
  reEvaluatePolicies: bool,
  invalidResponseAction: oneOf("retry", "restart", "restart_with_context"),
  policyEngineMode: oneOf("all", "any"),
});
const stageNames = ["invitation", "identification", "prompt", "userWrite", "login"] as const;

/** The identity layer (config/identity.ts): groups, the invitation enrollment flow, the policies. */
export const IDENTITY_SCHEMA: ObjectNode = obj<Id>({
  groups: {
    kind: "array",
    item: obj<Id["groups"][number]>({ key: tfKey, name: akName, parent: akName, isSuperuser: bool }, ["parent"]),
    required: ["key", "name"],
    entryDefaults: { isSuperuser: false },
  },
  adminGroup: akName,
  invitationTargetGroups: list(akName),
  enrollment: obj<Id["enrollment"]>({
    flow: obj<Id["enrollment"]["flow"]>({
      key: tfKey,
      slug,
      name: akName,
      title: akName,
      designation: oneOf("enrollment"),
      authentication: oneOf("none", "require_authenticated", "require_unauthenticated", "require_superuser", "require_redirect", "require_outpost"),
      layout: oneOf("stacked", "content_left", "content_right", "sidebar_left", "sidebar_right"),
      deniedAction: oneOf("message_continue", "message", "continue"),
      policyEngineMode: oneOf("all", "any"),
      compatibilityMode: bool,
      background: maybeEmpty("a background image path or URL; empty for authentik's default image"),
    }),
    stages: obj<Stages>({
      invitation: obj<Stages["invitation"]>({ key: tfKey, name: akName, continueFlowWithoutInvitation: bool }),
      identification: obj<Stages["identification"]>({
        key: tfKey,
        name: akName,
        userFields: list(oneOf("email", "username", "upn")),
        sourceSlugs: list(slug),
        passwordlessFlowSlug: slug,
        caseInsensitiveMatching: bool,
        showMatchedUser: bool,
        showSourceLabels: bool,
        pretendUserExists: bool,
        enableRememberMe: bool,
      }),
      prompt: obj<Stages["prompt"]>({
        key: tfKey,
        name: akName,
        fields: {
          kind: "array",
          item: obj<Stages["prompt"]["fields"][number]>({
            key: tfKey,
            name: akName,
            fieldKey: str("a context key: letters, digits and '_' (name and email are what the user write stage reads)", { pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, maxLength: 100 }),
            label: akName,
            type: oneOf("text", "email"),
            required: bool,
            order: int32("position"),
            placeholder: maybeEmpty("placeholder text; empty for none"),
          }),
          required: ["key", "name", "fieldKey", "label", "type", "order"],
          entryDefaults: { required: true, placeholder: "" },
        },
      }),
      userWrite: obj<Stages["userWrite"]>({
        key: tfKey,
        name: akName,
        groupName: akName,
        userCreationMode: oneOf("never_create", "create_when_required", "always_create"),
        createUsersAsInactive: bool,
        userType: oneOf("internal", "external", "service_account"),
        userPathTemplate: maybeEmpty("a user path template; empty for authentik's default"),
      }),
      login: obj<Stages["login"]>({
        key: tfKey,
        name: akName,
        sessionDuration: durationOrZero("until the browser closes"),
        rememberMeOffset: durationOrZero("no longer session for 'remember me'"),
        rememberDevice: duration,
        terminateOtherSessions: bool,
        networkBinding: oneOf("no_binding", "bind_asn", "bind_asn_network", "bind_asn_network_ip"),
        geoipBinding: oneOf("no_binding", "bind_continent", "bind_continent_country", "bind_continent_country_city"),
      }),
    }),
    bindings: obj<Id["enrollment"]["bindings"]>({ invitation: binding, identification: binding, prompt: binding, userWrite: binding, login: binding }),
  }),
  groupAssignmentPolicy: obj<Id["groupAssignmentPolicy"]>({
    key: tfKey,
    name: akName,
    boundToStage: oneOf(...stageNames),
    bindingKey: tfKey,
    order: int32("position"),
    executionLogging: bool,
    timeoutSeconds: int(0, INT32_MAX, `an integer number of seconds from 0 to ${INT32_MAX}`),
    failureResult: bool,
  }),
  bruteForcePolicy: obj<Id["bruteForcePolicy"]>({
    key: tfKey,
    name: akName,
    checkUsername: bool,
    checkIp: bool,
    threshold: int32("reputation score (negative: failed logins lower it)"),
    executionLogging: bool,
  }),
});
