/**
 * The command table of `authentik-stack`: one line per command (name, one-line summary, lazy load, so
 * `--version` and `--help` load nothing heavy). To add a command, write `cli/<name>.ts` exporting
 * `command: CommandSpec` (see cli/framework.ts) and add its line here.
 */
import { CommandEntry } from "./framework";

export const COMMANDS: readonly CommandEntry[] = [
  { name: "check", summary: "run the guards over a synthesized stack", load: () => import("./check") },
  { name: "alerts", summary: "print the Prometheus rule file derived from the stack config", load: () => import("./alerts") },
  { name: "plan-to-zero", summary: "synthesize, terraform init + plan, and report every change (none expected)", load: () => import("./plan-to-zero") },
  { name: "verify-upgrade", summary: "run the seven-step upgrade checklist against the cluster", load: () => import("./verify-upgrade") },
  { name: "deploy", summary: "guards, synth, plan, plan policy, confirm, apply that plan, verify-upgrade", load: () => import("./deploy") },
  { name: "adopt", summary: "find the identity layer's live objects in authentik and write the adoption file (imports)", load: () => import("./adopt") },
  { name: "invite", summary: "invitations to the invitation-enrollment flow, and group assignment", load: () => import("./invite") },
  { name: "box", summary: "the rehearsal environment on loopback: up | status | down", load: () => import("./box") },
];
