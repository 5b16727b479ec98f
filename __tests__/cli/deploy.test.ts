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
import { summaryLines } from "../../cli/deploy";
import { judgePlan } from "../../engine/plan";
import { importsOf, replaceForcedBy } from "../../engine/deploy";

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

describe("the deploy summary", () => {
  it("per resource: action and changed attributes, what forces a replace, moves and imports apart", () => {
    const rc = (address: string, actions: string[], before: any, after: any, extra: any = {}) => ({ address, mode: "managed", type: address.split(".")[0], change: { actions, before, after, after_unknown: {}, before_sensitive: {}, after_sensitive: {}, ...extra.change }, ...(extra.previous_address ? { previous_address: extra.previous_address } : {}) });
    const plan = {
      format_version: "1.2",
      resource_changes: [
        rc("authentik_provider_proxy.catchall", ["update"], { access_token_validity: "weeks=4" }, { access_token_validity: "weeks=2" }),
        rc("kubernetes_secret.tls", ["delete", "create"], { metadata: [{ name: "a" }] }, { metadata: [{ name: "b" }] }, { change: { replace_paths: [["metadata", 0, "name"]] } }),
        rc("kubernetes_service.pgbouncer", ["no-op"], {}, {}, { previous_address: "module.authentik.kubernetes_service.pgbouncer" }),
        rc("kubernetes_config_map.x", ["no-op"], {}, {}, { change: { importing: { id: "authentik/x" } } }),
      ],
    };
    const lines: string[] = summaryLines({ verdict: judgePlan(plan), imports: importsOf(plan), replaceForcedBy: replaceForcedBy(plan) });
    expect(lines).toEqual([
      "plan: 2 resource change(s):",
      "  update    authentik_provider_proxy.catchall: access_token_validity",
      "  replace   kubernetes_secret.tls (forced by metadata[0].name)",
      "moves (no other change): module.authentik.kubernetes_service.pgbouncer -> kubernetes_service.pgbouncer",
      'import: kubernetes_config_map.x (id "authentik/x"), then no-op',
    ]);
  });
});
