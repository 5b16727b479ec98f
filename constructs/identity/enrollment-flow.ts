/**
 * The invitation enrollment flow: the flow, its five stages, and their bindings in order
 * (invitation validation, identification with the social sources and passkey, prompt for name and
 * email, user write into the login group, user login).
 */
import { Construct } from "constructs";
import { Flow } from "../../.gen/providers/authentik/flow";
import { FlowStageBinding } from "../../.gen/providers/authentik/flow-stage-binding";
import { StageInvitation } from "../../.gen/providers/authentik/stage-invitation";
import { StageIdentification } from "../../.gen/providers/authentik/stage-identification";
import { StagePrompt } from "../../.gen/providers/authentik/stage-prompt";
import { StagePromptField } from "../../.gen/providers/authentik/stage-prompt-field";
import { StageUserWrite } from "../../.gen/providers/authentik/stage-user-write";
import { StageUserLogin } from "../../.gen/providers/authentik/stage-user-login";
import { IdentityConfig, EnrollmentStageName } from "../../config/identity";
import { pinAddress } from "../../lib/state-address";

type Enrollment = IdentityConfig["enrollment"];

export interface EnrollmentFlowProps {
  /** The flow's own attributes (slug, name, title, designation and the authentik defaults). @default - required */
  readonly flow: Enrollment["flow"];
  /** The five stages' attributes. @default - required */
  readonly stages: Enrollment["stages"];
  /** One binding per stage: resource name, order and evaluation settings. @default - required */
  readonly bindings: Enrollment["bindings"];
  /** Id of the group the user write stage creates users in (a group of this stack). @default - required */
  readonly userWriteGroupId: string;
  /** Ids of the social login sources the identification stage shows (data-source lookups). @default - required */
  readonly sourceIds: readonly string[];
  /** Id of the passkey flow the identification stage links (data-source lookup). @default - required */
  readonly passwordlessFlowId: string;
}

export class EnrollmentFlow extends Construct {
  readonly flow: Flow;
  /** The stage bindings, by stage. @default - required */
  readonly bindings: Readonly<Record<EnrollmentStageName, FlowStageBinding>>;

  constructor(scope: Construct, id: string, props: EnrollmentFlowProps) {
    super(scope, id);
    const f = props.flow;
    const s = props.stages;
    this.flow = pinAddress(
      new Flow(this, "flow", {
        slug: f.slug,
        name: f.name,
        title: f.title,
        designation: f.designation,
        authentication: f.authentication,
        layout: f.layout,
        deniedAction: f.deniedAction,
        policyEngineMode: f.policyEngineMode,
        compatibilityMode: f.compatibilityMode,
        background: f.background,
      }),
      f.key,
    );

    const invitation = pinAddress(
      new StageInvitation(this, "invitation", { name: s.invitation.name, continueFlowWithoutInvitation: s.invitation.continueFlowWithoutInvitation }),
      s.invitation.key,
    );
    const identification = pinAddress(
      new StageIdentification(this, "identification", {
        name: s.identification.name,
        userFields: [...s.identification.userFields],
        sources: [...props.sourceIds],
        passwordlessFlow: props.passwordlessFlowId,
        caseInsensitiveMatching: s.identification.caseInsensitiveMatching,
        showMatchedUser: s.identification.showMatchedUser,
        showSourceLabels: s.identification.showSourceLabels,
        pretendUserExists: s.identification.pretendUserExists,
        enableRememberMe: s.identification.enableRememberMe,
      }),
      s.identification.key,
    );
    const fields = s.prompt.fields.map((p) =>
      pinAddress(
        new StagePromptField(this, `prompt-${p.key}`, {
          name: p.name,
          fieldKey: p.fieldKey,
          label: p.label,
          type: p.type,
          required: p.required,
          order: p.order,
          placeholder: p.placeholder,
          placeholderExpression: false,
          initialValueExpression: false,
          subText: "",
        }),
        p.key,
      ),
    );
    const prompt = pinAddress(new StagePrompt(this, "prompt", { name: s.prompt.name, fields: fields.map((x) => x.id) }), s.prompt.key);
    const userWrite = pinAddress(
      new StageUserWrite(this, "user-write", {
        name: s.userWrite.name,
        createUsersGroup: props.userWriteGroupId,
        userCreationMode: s.userWrite.userCreationMode,
        createUsersAsInactive: s.userWrite.createUsersAsInactive,
        userType: s.userWrite.userType,
        userPathTemplate: s.userWrite.userPathTemplate,
      }),
      s.userWrite.key,
    );
    const login = pinAddress(
      new StageUserLogin(this, "login", {
        name: s.login.name,
        sessionDuration: s.login.sessionDuration,
        rememberMeOffset: s.login.rememberMeOffset,
        rememberDevice: s.login.rememberDevice,
        terminateOtherSessions: s.login.terminateOtherSessions,
        networkBinding: s.login.networkBinding,
        geoipBinding: s.login.geoipBinding,
        // provider 2026.2.1 does not read these two back (its state holds ""), so every plan would
        // rewrite them; kept as authentik holds them, like the default login stage
        lifecycle: { ignoreChanges: ["network_binding", "geoip_binding"] as any },
      }),
      s.login.key,
    );

    const stageIds: Record<EnrollmentStageName, string> = {
      invitation: invitation.id,
      identification: identification.id,
      prompt: prompt.id,
      userWrite: userWrite.id,
      login: login.id,
    };
    const bindings = {} as Record<EnrollmentStageName, FlowStageBinding>;
    for (const name of Object.keys(stageIds) as EnrollmentStageName[]) {
      const b = props.bindings[name];
      bindings[name] = pinAddress(
        new FlowStageBinding(this, `binding-${name}`, {
          target: this.flow.uuid,
          stage: stageIds[name],
          order: b.order,
          evaluateOnPlan: b.evaluateOnPlan,
          reEvaluatePolicies: b.reEvaluatePolicies,
          invalidResponseAction: b.invalidResponseAction,
          policyEngineMode: b.policyEngineMode,
        }),
        b.key,
      );
    }
    this.bindings = bindings;
  }
}
