/**
 * planStack with a scripted terraform (a shell script standing in for the binary, so each answer of
 * `show -json` can be chosen): fails closed on any plan it can't read, keeps the plan file private and
 * removes it, and honours the deadline. The real terraform path is the plan-to-zero project's proof.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PlanReadError, TerraformError, planStack } from "../engine/plan";
import { EnvironmentError } from "../lib/errors";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ak-planstack-"));
const fake = path.join(tmp, "terraform");
const record = path.join(tmp, "record");
fs.writeFileSync(
  fake,
  `#!/bin/sh
case "$1" in
  init) exit 0 ;;
  plan) for a in "$@"; do case "$a" in -out=*) f="\${a#-out=}";; esac; done
        echo "$f $(stat -c %a "$f") $(stat -c %a "$(dirname "$f")")" > "${record}"
        echo "secret-in-plan" > "$f"
        [ -n "$FAKE_PLAN_SLEEP" ] && sleep "$FAKE_PLAN_SLEEP"
        exit 0 ;;
  show) cat "$FAKE_SHOW" ;;
esac
`,
  { mode: 0o755 },
);

async function planWith(show: string, env: NodeJS.ProcessEnv = {}) {
  const f = path.join(tmp, "show.json");
  fs.writeFileSync(f, show);
  return planStack({ dir: tmp, terraform: fake, env: { ...process.env, FAKE_SHOW: f, ...env } });
}

const valid = { format_version: "1.2", resource_changes: [{ address: "a.b", mode: "managed", type: "a", change: { actions: ["no-op"] } }] };

describe("planStack", () => {
  it("creates the plan file 0600 in a 0700 directory and removes both after use", async () => {
    const { verdict } = await planWith(JSON.stringify(valid));
    expect(verdict.noChanges).toBe(true);
    const [file, fileMode, dirMode] = fs.readFileSync(record, "utf8").trim().split(" ");
    expect([fileMode, dirMode]).toEqual(["600", "700"]);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });

  const garbage: Array<[string, string, RegExp]> = [
    ["empty output", "", /terraform show -json: empty/],
    ["malformed JSON", '{"format_version": "1.2", "resource_changes": [', /not JSON/],
    ["an array", "[]", /an array where a JSON object is required/],
    ["null", "null", /null/],
    ["a string", '"No changes."', /a string where a JSON object is required/],
    ["no format_version", '{"resource_changes": []}', /no format_version/],
    ["no resource_changes", '{"format_version": "1.2"}', /resource_changes is missing/],
    ["resource_changes not a list", '{"format_version": "1.2", "resource_changes": {}}', /resource_changes is not an array/],
    ["an entry without change", '{"format_version": "1.2", "resource_changes": [{"address": "a.b"}]}', /resource_changes\[0\] \(a\.b\)\.change is not an object/],
    ["actions not a list", '{"format_version": "1.2", "resource_changes": [{"address": "a.b", "change": {"actions": "update"}}]}', /change\.actions is not a non-empty list of strings/],
    ["empty actions", '{"format_version": "1.2", "resource_changes": [{"address": "a.b", "change": {"actions": []}}]}', /change\.actions/],
    ["an errored plan", '{"format_version": "1.2", "errored": true, "resource_changes": []}', /marked errored/],
    ["very deep JSON", '{"format_version": "1.2", "resource_changes": [], "x": ' + "[".repeat(100000) + "]".repeat(100000) + "}", /nested \d{6} levels deep; allowed: at most 200 levels/],
    ["bad output_changes", '{"format_version": "1.2", "resource_changes": [], "output_changes": {"o": {"actions": [1]}}}', /output_changes\.o\.actions/],
  ];
  it.each(garbage)("fails closed on %s: a one-line PlanReadError (exit 3), never 'No changes'", async (_name, show, msg) => {
    const e = await planWith(show).catch((x) => x);
    expect(e).toBeInstanceOf(PlanReadError);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect(e.message).toMatch(msg);
    expect(e.message).not.toContain("\n");
  });

  it("never quotes the plan text in its message (it holds secrets in clear)", async () => {
    const e = await planWith('{"format_version": "1.2", "password": "hunter2-secret" oops').catch((x) => x);
    expect(e).toBeInstanceOf(PlanReadError);
    expect(e.message).not.toContain("hunter2");
  });

  it("an unknown action is a change, not ignored", async () => {
    const { verdict } = await planWith(JSON.stringify({ format_version: "1.2", resource_changes: [{ address: "a.b", change: { actions: ["forget"] } }] }));
    expect(verdict.noChanges).toBe(false);
    expect(verdict.changes[0]).toMatchObject({ address: "a.b", kind: "other", attributes: ["actions forget"] });
  });

  it("a terraform step past its deadline is a TerraformError, and the plan file is gone", async () => {
    const f = path.join(tmp, "show.json");
    fs.writeFileSync(f, JSON.stringify(valid));
    const e = await planStack({ dir: tmp, terraform: fake, env: { ...process.env, FAKE_SHOW: f, FAKE_PLAN_SLEEP: "30" }, deadlines: { planSeconds: 0.5 } }).catch((x) => x);
    expect(e).toBeInstanceOf(TerraformError);
    expect(e.message).toBe("terraform plan failed: terraform plan did not finish within 0.5s; stopped it and every process it started");
    const [file] = fs.readFileSync(record, "utf8").trim().split(" ");
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });

  it("a missing terraform says what to install", async () => {
    await expect(planStack({ dir: tmp, terraform: path.join(tmp, "nope") })).rejects.toThrow(/terraform init failed: '.*nope' not found on PATH \(install terraform/);
  });
});
