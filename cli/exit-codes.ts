/**
 * Exit codes of every `authentik-stack` command (documented in --help and the README). Distinct so that a
 * typo can never read as drift: "changes" (1) is not "usage" (2) is not "could not run" (3).
 */
export const EXIT = {
  /** Success: no findings, no changes, every check passed. */
  ok: 0,
  /** Findings or changes: guard errors, the plan has changes, the policy refused, a verify step failed. */
  findings: 1,
  /** Usage error or unusable input: bad flag, bad config, unreadable or malformed file. Nothing was changed. */
  usage: 2,
  /** Could not run: the environment (terraform missing, backend unreachable, timeout, Vault not logged in). */
  cannotRun: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit-code table as printed by --help. */
export const EXIT_HELP: ReadonlyArray<readonly [ExitCode, string]> = [
  [EXIT.ok, "success: no findings, no changes"],
  [EXIT.findings, "findings or changes (guard errors, planned changes, policy refusals, failed checks)"],
  [EXIT.usage, "usage error or unusable input (bad flag, bad config, unreadable file); nothing changed"],
  [EXIT.cannotRun, "could not run (terraform/kubectl missing, backend or Vault unreachable, timeout)"],
];
