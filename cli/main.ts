/** The `authentik-stack` command: check, alerts, plan-to-zero, verify-upgrade. */
import { ConfigError } from "../config";
import { CHECK_USAGE, runCheck } from "./check";
import { runAlerts } from "./alerts";
import { EXIT, UsageError } from "./output";

export const USAGE = `usage: authentik-stack <command> [options]

commands:
  check [--json] [--ack ID=reason]... [cdk.tf.json]
      run the guards over a synthesized stack
  alerts [--format yaml|json]
      print the Prometheus rule file derived from the stack config
  plan-to-zero [--stack authentik] [--json]
      synthesize, terraform init + plan, and report every change (none expected)
  verify-upgrade [--step N]... [--context CTX] [--json]
      run the seven-step upgrade validation checklist against the cluster
  deploy [--auto-approve] [--dry-run] [--json] [--allow-destroy ADDR=reason]... [--ack ID=reason]...
      guards, synth, plan, plan policy, confirm, apply that plan, verify-upgrade

exit codes: 0 ok; 1 findings (guard errors, failed checks, or could not plan); 2 usage or unusable input
           (plan-to-zero: 0 no changes, 2 changes, 1 could not plan)
config: defaults are today's live values; AUTHENTIK_STACK_CONFIG=<file.json> overrides them.`;

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s + "\n")): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case "check":
        if (rest.includes("--help")) return out(CHECK_USAGE), EXIT.ok;
        return runCheck(rest, out);
      case "alerts":
        return runAlerts(rest, out);
      case "plan-to-zero":
        return await (await import("./plan-to-zero")).runPlanToZero(rest, out);
      case "verify-upgrade":
        return await (await import("./verify-upgrade")).runVerifyUpgrade(rest, out);
      case "deploy":
        return await (await import("./deploy")).runDeploy(rest, out);
      case undefined:
      case "--help":
      case "help":
        out(USAGE);
        return cmd === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(`unknown command '${cmd}'; allowed: check, alerts, plan-to-zero, verify-upgrade, deploy`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      process.stderr.write(`authentik-stack ${cmd ?? ""}: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}
