/**
 * `authentik-stack plan-to-zero [--stack authentik] [--var-file F]... [--json]`: synthesize, terraform
 * init + plan + show -json against the configured backend, and report every change.
 */
import * as path from "path";
import { formatVerdict } from "../engine/plan";
import { EXIT } from "./exit-codes";
import { CommandSpec } from "./framework";

export const command: CommandSpec = {
  name: "plan-to-zero",
  summary: "synthesize, terraform init + plan, and report every change (none expected)",
  description: [
    "Synthesizes the stack, runs terraform init, plan -out (to a private 0600 file, removed afterwards)",
    "and show -json against the configured backend, and judges resource_changes[].change.actions: every",
    "create, update (with the attributes that differ), delete and replace is listed; moves and output",
    "changes are listed apart. A plan it can't read (empty, malformed, wrong shape) is an error, never",
    "\"No changes\". Values are never printed. Each terraform step has a deadline; progress every 10 s.",
  ].join("\n"),
  options: {
    stack: { type: "string", value: "NAME", help: "the stack to plan (default: the config's stackName, authentik)" },
    "var-file": { type: "string", multiple: true, value: "FILE", help: "pass -var-file=FILE to terraform plan" },
    json: { type: "boolean", help: "print the verdict as JSON (result, changes, moves, outputChanges)" },
  },
  exitCodes: {
    0: "no changes (moves and output changes alone are not changes)",
    1: "changes planned (each listed with its action)",
    2: "usage error or unusable input (bad flag, bad config, the stack does not synthesize)",
    3: "could not plan (PG_CONN_STR unset, not logged in to Vault, terraform missing or failed, deadline, unreadable plan)",
  },
  env: [
    ["PG_CONN_STR", "the pg backend's connection string (required)"],
    ["VAULT_TOKEN", "Vault token (or ~/.vault-token from `vault login`)"],
    ["TERRAFORM_BINARY_NAME", "terraform binary (default terraform)"],
    ["AUTHENTIK_STACK_CONFIG", "config override file"],
  ],
  examples: ["authentik-stack plan-to-zero", "authentik-stack plan-to-zero --json --var-file prod.tfvars"],
  async run(ctx) {
    // loaded here, not at the top: it loads cdktf and the bindings, which --help doesn't need
    const { synthAndPlan } = await import("../engine/plan-to-zero");
    const { verdict } = await synthAndPlan({
      stackName: ctx.str("stack"),
      planArgs: ctx.strs("var-file").map((f) => `-var-file=${path.resolve(f)}`),
      onProgress: ctx.progress,
    });
    if (ctx.json) ctx.out(JSON.stringify({ result: verdict.noChanges ? "no-changes" : "changes", ...verdict }, null, 2));
    else formatVerdict(verdict).forEach((l) => ctx.out(l));
    return verdict.noChanges ? EXIT.ok : EXIT.findings;
  },
};
