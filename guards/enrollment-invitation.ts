/**
 * AK012 invitation-only enrollment. An enrollment flow creates accounts; the invitation stage must come
 * first and must stop anyone without a valid ?itoken=, or anyone on the internet can sign up (through the
 * social sources, into the login group).
 */
import { resourcesOf } from "./read/stack-json";
import { describe, refOf } from "./read/identity-refs";
import { Finding, Guard, finder } from "./types";

const ID = "AK012";
const f = finder(ID);

export const enrollmentInvitationGuard: Guard = {
  id: ID,
  name: "enrollment-starts-with-invitation",
  protects: "invitation-only sign-up: an enrollment flow whose first stage is not a blocking invitation stage lets anyone create an account",
  check: ({ stack }) => {
    const out: Finding[] = [];
    const bindings = resourcesOf(stack, "authentik_flow_stage_binding");
    for (const flow of resourcesOf(stack, "authentik_flow")) {
      if (flow.values.designation !== "enrollment") continue;
      const mine = bindings
        .filter((b) => {
          const t = refOf(b.values.target);
          return t && !t.data && t.type === "authentik_flow" && t.name === flow.name;
        })
        .sort((a, b) => Number(a.values.order) - Number(b.values.order));
      if (!mine.length) {
        out.push(f("error", { address: flow.address, attribute: "stages", message: "enrollment flow has no stage bindings in the stack, so nothing checks for an invitation", expected: "an authentik_stage_invitation bound first", actual: "no bindings", fix: "Bind the invitation stage at the lowest order." }));
        continue;
      }
      const first = mine[0];
      const tie = mine.filter((b) => Number(b.values.order) === Number(first.values.order));
      const stage = refOf(first.values.stage);
      if (tie.length > 1 || stage?.type !== "authentik_stage_invitation" || stage.data) {
        out.push(
          f("error", {
            address: first.address,
            attribute: "order",
            message: tie.length > 1 ? `${tie.length} stages share the first position (order ${first.values.order}); authentik may run either first` : `the first stage of enrollment flow ${flow.address} is ${describe(first.values.stage)}, not the invitation stage`,
            expected: "an authentik_stage_invitation alone at the lowest order",
            actual: tie.map((b) => `${describe(b.values.stage)}@${b.values.order}`).join(", "),
            fix: "Give the invitation stage's binding the lowest order (the seed's 10) and every other stage a higher one.",
          }),
        );
        continue;
      }
      const inv = resourcesOf(stack, "authentik_stage_invitation").find((r) => r.name === stage.name)?.values;
      if (!inv) {
        out.push(f("error", { address: first.address, attribute: "stage", message: `the first stage of enrollment flow ${flow.address} is ${stage.address}, which the stack does not declare, so whether it stops users without an invitation can't be judged`, expected: "an authentik_stage_invitation of this stack", actual: stage.address, fix: "Declare the invitation stage in the stack (constructs/identity) and bind it first." }));
      } else if (inv.continue_flow_without_invitation === true) {
        out.push(f("error", { address: `authentik_stage_invitation.${stage.name}`, attribute: "continue_flow_without_invitation", message: `the invitation stage of ${flow.address} lets users without an invitation continue`, expected: "false", actual: "true", fix: "Set continueFlowWithoutInvitation to false." }));
      }
    }
    return out;
  },
};
