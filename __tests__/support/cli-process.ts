/**
 * The built CLI (bin/authentik-stack.js) in a child process, asynchronously: a loopback server in the
 * test's own process (the authentik API stand-in, Vault's KV stand-in) answers it meanwhile.
 */
import * as path from "path";
import { spawn } from "child_process";
import { ROOT } from "./stack-json";

export interface CliRun {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** Runs `authentik-stack <args>` with exactly `env` (no inherited variables); killed after 60 s. */
export function runCliProcess(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin", "authentik-stack.js"), ...args], { env });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}
