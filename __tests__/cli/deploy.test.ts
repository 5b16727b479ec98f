/**
 * `authentik-stack deploy` as an operator runs it (the compiled bin), for everything decided before
 * terraform runs: usage, refusing to apply without a terminal or --auto-approve, acknowledgement and
 * allowance syntax, and the environment preflight. Each refusal changes nothing (no cdktf.out written).
 * What happens from the plan on: plan-to-zero/deploy-engine.test.ts (real terraform) and e2e.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { ROOT } from "../support/synth";

const BIN = path.join(ROOT, "bin", "authentik-stack.js");
const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "ak-deploy-cli-"));
const ENV = { PG_CONN_STR: "postgres://127.0.0.1:1/none", VAULT_TOKEN: "test-token" };
const cli = (args: string[], env: NodeJS.ProcessEnv = ENV) => {
  // stdin is a pipe, not a terminal, as in CI
  const r = spawnSync(process.execPath, [BIN, "deploy", ...args], { cwd, encoding: "utf8", input: "", env: { PATH: process.env.PATH, HOME: cwd, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

afterEach(() => expect(fs.existsSync(path.join(cwd, "cdktf.out"))).toBe(false));

describe("authentik-stack deploy, before anything runs", () => {
  it("--help and -h print the usage with the exit codes", () => {
    for (const h of ["--help", "-h"]) {
      const r = cli([h]);
      expect(r.code).toBe(0);
      expect(r.out).toContain("--allow-destroy ADDRESS=reason");
      expect(r.out).toMatch(/exit codes:\n  0  applied and verified.*\n  1 .*\n  2 .*\n  3  could not run/);
    }
  });
  it("without a terminal and without --auto-approve it refuses with exit 2, saying what to do", () => {
    const r = cli([]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no terminal to confirm on .* --auto-approve after reviewing `deploy --dry-run`/);
  });
  it.each([
    [["--ack", "PL004"], /--ack PL004: a written reason is required/],
    [["--ack", "PL001=because I said so, really"], /PL001 \(no-stateful-destroy\) refusals can't be acknowledged \(a destroy is allowed per address: --allow-destroy/],
    [["--ack", "PL003=newer image is fine, trust me"], /PL003 .* refusals can't be acknowledged/],
    [["--ack", "XX001=some long reason here"], /not a guard \(AK001...\) or policy rule \(PL001...\) id/],
    [["--allow-destroy", "helm release=a reason long enough"], /not a resource address/],
    [["--allow-destroy", "helm_release.authentik"], /--allow-destroy helm_release.authentik: a written reason is required/],
    [["--stack", "other", "--dry-run"], /--stack other: this app has one stack, 'authentik'/],
    [["--dry-run", "extra"], /unexpected argument 'extra'; deploy takes options only/],
    [["--force"], /unknown option '--force'/],
  ])("bad input %j exits 2 with one line", (args, msg) => {
    const r = cli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.err.trim().split("\n")).toHaveLength(1);
  });
  it("without PG_CONN_STR or a Vault login it can't run: exit 3, one line naming what to set", () => {
    const noPg = cli(["--dry-run"], { VAULT_TOKEN: "t" });
    expect(noPg.code).toBe(3);
    expect(noPg.err).toMatch(/^authentik-stack deploy: PG_CONN_STR is not set/);
    const noVault = cli(["--dry-run", "--json"], { PG_CONN_STR: "postgres://x" });
    expect(noVault.code).toBe(3);
    expect(JSON.parse(noVault.out)).toEqual({ result: "error", kind: "environment", exitCode: 3, message: expect.stringContaining("not logged in to Vault") });
  });
});
