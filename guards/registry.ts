/** All guards, and running them with acknowledgements. */
import { Guard, GuardContext, Finding } from "./types";
import { Acknowledgement, checkAcknowledgements } from "./acknowledgements";
import { selectorPatchGuard } from "./selector-patch";
import { componentLabelGuard } from "./component-label";
import { postgresEnvGuard } from "./postgres-env";
import { managedFieldGuard } from "./managed-field";
import { devShmGuard } from "./dev-shm";
import { patchesApplyGuard } from "./patches-apply";
import { alertMatchersGuard } from "./alert-matchers";
import { chartValuesGuard } from "./chart-values";
import { ttlGuard } from "./ttls";
import { secretsHygieneGuard } from "./secrets-hygiene";
import { reputationBindingGuard } from "./reputation-binding";
import { enrollmentInvitationGuard } from "./enrollment-invitation";
import { userWriteGroupGuard } from "./user-write-group";
import { invitationTargetsGuard } from "./invitation-targets";
import { superuserGroupsGuard } from "./superuser-groups";

export type { Acknowledgement } from "./acknowledgements";
export { AcknowledgementError, checkAcknowledgements } from "./acknowledgements";

export const GUARDS: readonly Guard[] = [
  selectorPatchGuard,
  componentLabelGuard,
  postgresEnvGuard,
  managedFieldGuard,
  devShmGuard,
  patchesApplyGuard,
  alertMatchersGuard,
  chartValuesGuard,
  ttlGuard,
  secretsHygieneGuard,
  reputationBindingGuard,
  enrollmentInvitationGuard,
  userWriteGroupGuard,
  invitationTargetsGuard,
  superuserGroupsGuard,
];

export interface GuardReport {
  readonly findings: Finding[];
  readonly errors: number;
  readonly warnings: number;
  readonly acknowledged: number;
}

/** Runs every guard (or the given ones) and applies acknowledgements; errors are never acknowledged. */
export function runGuards(ctx: GuardContext, acks: readonly Acknowledgement[] = [], guards: readonly Guard[] = GUARDS): GuardReport {
  checkAcknowledgements(acks, guards.map((g) => g.id));
  const findings = guards.flatMap((g) => g.check(ctx)).map((fi) => {
    if (fi.severity !== "warning") return fi;
    const ack = acks.find((a) => a.id === fi.id && (!a.match || `${fi.address}.${fi.attribute}`.includes(a.match)));
    return ack ? { ...fi, acknowledged: { reason: ack.reason } } : fi;
  });
  return {
    findings,
    errors: findings.filter((x) => x.severity === "error").length,
    warnings: findings.filter((x) => x.severity === "warning" && !x.acknowledged).length,
    acknowledged: findings.filter((x) => x.acknowledged).length,
  };
}

/** One line per finding: `ID severity address.attribute: message (expected X, got Y). Fix: ...`. */
export function formatFinding(fi: Finding): string {
  const ack = fi.acknowledged ? ` [acknowledged: ${fi.acknowledged.reason}]` : "";
  return `${fi.id} ${fi.severity} ${fi.address}.${fi.attribute}: ${fi.message} (expected ${fi.expected}; actual ${fi.actual}). Fix: ${fi.fix}${ack}`;
}
