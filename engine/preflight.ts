/** What plan-to-zero, verify-upgrade step 7 and deploy need before terraform runs (light: no cdktf). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Why planning can't start, or undefined when it can. */
export function preflight(env: NodeJS.ProcessEnv, home = os.homedir()): string | undefined {
  if (!env.PG_CONN_STR) return "PG_CONN_STR is not set: the pg backend reads the state's connection string from it. Fix: export PG_CONN_STR=postgres://...";
  if (!env.VAULT_TOKEN && !fs.existsSync(path.join(home, ".vault-token"))) return "not logged in to Vault (no VAULT_TOKEN and no ~/.vault-token). Fix: run `vault login` first";
  return undefined;
}
