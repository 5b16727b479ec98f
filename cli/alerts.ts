/** `authentik-stack alerts [--format yaml|json]`: the rule file derived from the stack config. */
import { buildAlertGroups, renderRuleFile } from "../alerts/rules";
import { loadConfig, readOverrides } from "../config";
import { EXIT, UsageError, parseArgs } from "./output";

export function runAlerts(argv: string[], out: (s: string) => void): number {
  const args = parseArgs(argv, ["json"], ["format"]);
  const format = args.flags.get("format")?.[0] ?? (args.flags.has("json") ? "json" : "yaml");
  if (format !== "yaml" && format !== "json") throw new UsageError(`--format ${format}: allowed yaml or json`);
  const groups = buildAlertGroups(loadConfig(readOverrides()));
  out(format === "json" ? JSON.stringify({ groups }, null, 2) : renderRuleFile(groups).trimEnd());
  return EXIT.ok;
}
