/** The authentik-stack CLI as an operator runs it (the compiled bin): exit codes, --json, bad input. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { parse } from "yaml";
import { ROOT, clone, synthJson, outpostConfig, setOutpostConfig } from "../support/synth";

const BIN = path.join(ROOT, "bin", "authentik-stack.js");
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ak-cli-"));
const write = (name: string, content: unknown) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, typeof content === "string" ? content : JSON.stringify(content));
  return f;
};
const good = write("good.json", synthJson());

describe("authentik-stack check", () => {
  it("exits 0 on the real stack, listing the acknowledged known warnings and the TTLs in days", () => {
    const r = cli(["check", good]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("AK001 service-selector-patch: ok");
    expect(r.out).toContain("0 error(s), 0 warning(s), 19 acknowledged");
    expect(r.out).toContain("[acknowledged: The DB password in the pgbouncer ConfigMap");
    expect(r.out).toContain("TTL authentik_provider_proxy.catchall.access_token_validity = weeks=4 (28 days)");
  });
  it("exits 1 on an error, one line per finding with expected, actual and the fix", () => {
    const s = clone(synthJson());
    const cfg = outpostConfig(s);
    cfg.kubernetes_json_patches.service[0].value["app.kubernetes.io/name"] = "authentik";
    setOutpostConfig(s, cfg);
    const r = cli(["check", write("bad.json", s)]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/error authentik_outpost\.embedded\.config\.kubernetes_json_patches\.service\[0\]: after the patches the Service selects app\.kubernetes\.io\/name=authentik \(the server pods\) \(expected app\.kubernetes\.io\/name=authentik-outpost-proxy; actual .*\)\. Fix: /);
  });
  it("--json gives findings with the documented shape", () => {
    const r = cli(["check", "--json", good]);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ errors: 0, warnings: 0, acknowledged: 19 });
    expect(Object.keys(j.findings[0]).sort()).toEqual(["acknowledged", "actual", "address", "attribute", "expected", "fix", "id", "message", "severity"]);
    // the catch-all cookie, the default login session, and the enrollment login's browser session (0)
    expect(j.ttls.map((t: any) => t.days)).toEqual([28, 28, 0]);
  });
  it("--ack acknowledges a warning with its reason and keeps it in the report", () => {
    const j = JSON.parse(cli(["check", "--json", "--ack", "AK010=moving the DB password out in a later change", good]).out);
    expect(j.acknowledged).toBe(19);
    const ak010 = j.findings.filter((f: any) => f.id === "AK010");
    expect(ak010.map((f: any) => f.acknowledged.reason)).toEqual(["moving the DB password out in a later change", "moving the DB password out in a later change"]);
  });
  it("exits 2 with a one-line reason on unusable input", () => {
    for (const [file, reason] of [
      [path.join(tmp, "missing.json"), "cannot read"],
      [write("text.json", "not json {"), "not JSON"],
      [write("other.json", { resource: { null_resource: {} } }), "holds no authentik stack"],
    ]) {
      const r = cli(["check", file]);
      expect(r.code).toBe(2);
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(r.err).toContain(reason);
    }
    expect(cli(["check", "--ack", "AK999=whatever reason here", good]).code).toBe(2);
    expect(cli(["frobnicate"]).code).toBe(2);
  });
});

describe("authentik-stack alerts", () => {
  it("prints the rule file as YAML, and as JSON with --format json", () => {
    const y = cli(["alerts"]);
    expect(y.code).toBe(0);
    expect(parse(y.out).groups.map((g: any) => g.name)).toEqual(["Authentik Outpost", "Authentik Availability"]);
    expect(JSON.parse(cli(["alerts", "--format", "json"]).out).groups[0].rules).toHaveLength(7);
    expect(cli(["alerts", "--format", "xml"]).code).toBe(2);
  });
  it("an unreadable AUTHENTIK_STACK_CONFIG is a usage error (exit 2) saying what is allowed", () => {
    const r = cli(["alerts"], { AUTHENTIK_STACK_CONFIG: write("bad-cfg.json", "{ not json") });
    expect(r.code).toBe(2);
    expect(r.err).toContain("allowed: a readable JSON file holding a partial stack config");
  });
  it("reads config overrides from AUTHENTIK_STACK_CONFIG", () => {
    const out = cli(["alerts"], { AUTHENTIK_STACK_CONFIG: write("cfg.json", { namespace: "sso" }) }).out;
    expect(out).toContain('namespace="sso"');
  });
});

describe("authentik-stack plan-to-zero", () => {
  it("exits 3 (could not run) with one line when PG_CONN_STR is missing", () => {
    const r = cli(["plan-to-zero"], { PG_CONN_STR: "", VAULT_TOKEN: "x" });
    expect(r.code).toBe(3);
    expect(r.err.trim().split("\n")).toEqual([expect.stringMatching(/^authentik-stack plan-to-zero: PG_CONN_STR is not set: .* Fix: export PG_CONN_STR=/)]);
  });
  it("exits 3 when not logged in to Vault, the error as JSON under --json", () => {
    const r = cli(["plan-to-zero", "--json"], { PG_CONN_STR: "postgres://example.org/x", VAULT_TOKEN: "", HOME: tmp });
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out)).toEqual({ result: "error", kind: "environment", exitCode: 3, message: expect.stringContaining("vault login") });
    expect(r.err).toBe("");
  });
  it("a typo in a flag is a usage error (2), never read as changes (1)", () => {
    const r = cli(["plan-to-zero", "--stak", "authentik"], { PG_CONN_STR: "postgres://example.org/x", VAULT_TOKEN: "x" });
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe("authentik-stack plan-to-zero: unknown option '--stak'; allowed: --stack NAME, --var-file FILE, --json, --help. Fix: did you mean --stack? see authentik-stack plan-to-zero --help");
  });
});

describe("authentik-stack verify-upgrade", () => {
  it("reports ERROR, not PASS, when kubectl is missing, and exits 1", () => {
    const r = cli(["verify-upgrade", "--step", "1", "--step", "2", "--json"], { KUBECTL: "/nonexistent/kubectl" });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.results.filter((x: any) => x.verdict !== "SKIP").map((x: any) => `${x.step} ${x.verdict}`)).toEqual(["1 ERROR", "2 ERROR"]);
  });
  it("rejects a step outside 1-7", () => {
    expect(cli(["verify-upgrade", "--step", "9"]).code).toBe(2);
  });
});

describe("no stack traces: each class of bad input is one line and exit 2", () => {
  const withOutpostConfig = (name: string, config: unknown) => {
    const s = clone(synthJson());
    const rec: any = Object.values(s.resource!.authentik_outpost)[0];
    rec.config = config;
    return write(name, s);
  };
  it.each([
    ["an outpost config that is a list", withOutpostConfig("cfg-array.json", "[]"), /authentik_outpost\.embedded\.config is an array \(0 item\(s\)\); allowed: a JSON object\. Fix: /],
    ["patches that are a string", withOutpostConfig("cfg-str.json", JSON.stringify({ kubernetes_json_patches: "x" })), /config\.kubernetes_json_patches is a string \("x"\); allowed: an object \{deployment, service\}/],
    ["a patch op that is null", withOutpostConfig("cfg-null.json", JSON.stringify({ kubernetes_json_patches: { deployment: [null] } })), /kubernetes_json_patches\.deployment\[0\] is null; allowed: an RFC 6902 operation/],
    ["a patch without a path", withOutpostConfig("cfg-nopath.json", JSON.stringify({ kubernetes_json_patches: { service: [{ op: "replace" }] } })), /kubernetes_json_patches\.service\[0\] is an object without a string op and path/],
    ["a very deep outpost config", withOutpostConfig("cfg-deep.json", "[".repeat(50000) + "]".repeat(50000)), /config: JSON nested 50000 levels deep; allowed: at most 200 levels/],
    ["a very deep cdk.tf.json", write("deep.json", '{"resource": ' + "[".repeat(200000) + "]".repeat(200000) + "}"), /deep\.json: JSON nested 200001 levels deep/],
    ["an empty file", write("empty.json", ""), /empty\.json: empty; allowed: a JSON document/],
    ["a JSON list", write("list.json", "[1]"), /list\.json: an array \(1 item\(s\)\) where a JSON object is required/],
    ["outposts that are a string", write("outposts-str.json", { resource: { authentik_outpost: "x" } }), /resource\.authentik_outpost is a string \("x"\); allowed: an object of outpost records/],
  ])("%s", (_name, file, msg) => {
    const r = cli(["check", file as string]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(msg as RegExp);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
  it("the same under --json: one JSON error document on stdout", () => {
    const r = cli(["check", "--json", write("deep2.json", "[".repeat(1000) + "]".repeat(1000))]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toMatchObject({ result: "error", kind: "input", exitCode: 2, message: expect.stringContaining("nested 1000 levels deep") });
  });
  it("an empty --ack reason is refused", () => {
    expect(cli(["check", "--ack", "AK010=  ", good])).toMatchObject({ code: 2, err: expect.stringContaining("a non-empty reason") });
  });
});
// a reader closing the pipe early (| head): __tests__/io/stdio.test.ts
