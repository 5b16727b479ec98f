/**
 * The identity layer's policies: the invitation group assignment (an expression policy bound to one
 * stage binding of the enrollment flow) and the brute-force reputation policy, which is deliberately
 * left unbound: bound at flow level it denied every unauthenticated user (no username to score before
 * login); if it is wanted, it belongs on the password stage's binding.
 */
import { Construct } from "constructs";
import { PolicyExpression } from "../../.gen/providers/authentik/policy-expression";
import { PolicyReputation } from "../../.gen/providers/authentik/policy-reputation";
import { PolicyBinding } from "../../.gen/providers/authentik/policy-binding";
import { IdentityConfig, groupAssignmentExpression } from "../../config/identity";
import { pinAddress } from "../../lib/state-address";

export interface GroupAssignmentPolicyProps {
  /** Names, binding order and evaluation settings. @default - required */
  readonly policy: IdentityConfig["groupAssignmentPolicy"];
  /** Groups an invitation's fixed_data.group may name (written into the expression). @default - required */
  readonly targetGroups: readonly string[];
  /** Id of the flow-stage binding the policy is bound to (never a flow). @default - required */
  readonly stageBindingId: string;
}

export class GroupAssignmentPolicy extends Construct {
  readonly policy: PolicyExpression;
  readonly binding: PolicyBinding;

  constructor(scope: Construct, id: string, props: GroupAssignmentPolicyProps) {
    super(scope, id);
    const p = props.policy;
    this.policy = pinAddress(
      new PolicyExpression(this, "policy", { name: p.name, expression: groupAssignmentExpression(props.targetGroups), executionLogging: p.executionLogging }),
      p.key,
    );
    this.binding = pinAddress(
      new PolicyBinding(this, "binding", {
        target: props.stageBindingId,
        policy: this.policy.id,
        order: p.order,
        enabled: true,
        negate: false,
        timeout: p.timeoutSeconds,
        failureResult: p.failureResult,
      }),
      p.bindingKey,
    );
  }
}

export interface BruteForcePolicyProps {
  /** Name, checks and threshold. @default - required */
  readonly policy: IdentityConfig["bruteForcePolicy"];
}

/** The reputation policy, with no binding (AK011 keeps it off flows). */
export class BruteForcePolicy extends Construct {
  readonly policy: PolicyReputation;

  constructor(scope: Construct, id: string, props: BruteForcePolicyProps) {
    super(scope, id);
    const p = props.policy;
    this.policy = pinAddress(
      new PolicyReputation(this, "policy", {
        name: p.name,
        checkUsername: p.checkUsername,
        checkIp: p.checkIp,
        threshold: p.threshold,
        executionLogging: p.executionLogging,
      }),
      p.key,
    );
  }
}
