/** `authentik-stack alerts [--format yaml|json]`: the rule file derived from the stack config. */
import { buildAlertGroups, renderRuleFile } from "../alerts/rules";
import { loadConfig, readOverrides } from "../config";
import { EXIT } from "./exit-codes";
import { CommandSpec } from "./framework";

export const command: CommandSpec = {
  name: "alerts",
  summary: "print the Prometheus rule file derived from the stack config",
  description: "Prints the alerting rules (groups \"Authentik Outpost\" and \"Authentik Availability\") the stack also\npublishes as the Terraform output alerting_rules_yaml.",
  options: {
    format: { type: "string", value: "FORMAT", choices: ["yaml", "json"], help: "output format (default yaml)" },
    json: { type: "boolean", help: "same as --format json" },
  },
  exitCodes: { 0: "printed", 1: "(not used)" },
  env: [["AUTHENTIK_STACK_CONFIG", "config override file"]],
  run(ctx) {
    const format = ctx.str("format") ?? (ctx.json ? "json" : "yaml");
    const groups = buildAlertGroups(loadConfig(readOverrides()));
    ctx.out(format === "json" ? JSON.stringify({ groups }, null, 2) : renderRuleFile(groups).trimEnd());
    return EXIT.ok;
  },
};
