/** The typed config: defaults are today's live values, bad input fails with field, value and what is allowed. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync } from "child_process";
import { ConfigError, DEFAULT_CONFIG, deriveNames, loadConfig, slugify } from "../../config";
import { parseDuration } from "../../lib/duration";
import { ROOT } from "../support/synth";

function problems(overrides: any): string[] {
  try {
    loadConfig(overrides);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe("config validation", () => {
  it("accepts the defaults", () => expect(problems({})).toEqual([]));
  it.each([
    [{ catchAll: { accessTokenValidity: "weeks=four" } }, "config.catchAll.accessTokenValidity", '"weeks=four"', "weeks=4;days=2"],
    [{ release: { version: "latest" } }, "config.release.version", '"latest"', "semver"],
    [{ namespace: "" }, "config.namespace", '""', "DNS-1123 label"],
    [{ outpost: { uuid: "0eecac0797c7443c892505f2f4fe3e47" } }, "config.outpost.uuid", '"0eecac0797c7443c892505f2f4fe3e47"', "dashed form"],
    [{ loginStage: { sessionDuration: "fortnights=2" } }, "config.loginStage.sessionDuration", '"fortnights=2"', "weeks, days"],
    [{ outpost: { memoryLimit: "2Gi" } }, "config.outpost.memoryLimit", '"2Gi"', "above the /dev/shm size"],
    [{ outpost: { ports: { http: 70000 } } }, "config.outpost.ports.http", "70000", "from 1 to 65535"],
  ])("rejects %j naming the field, the value and what is allowed", (over, field, value, allowed) => {
    const p = problems(over);
    expect(p).toHaveLength(1);
    expect(p[0]).toContain(field);
    expect(p[0]).toContain(value);
    expect(p[0]).toContain(allowed);
  });
  it("rejects unknown settings, listing the allowed ones", () => {
    expect(problems({ outpost: { replica: 2 } })[0]).toMatch(/config\.outpost\.replica: unknown setting; allowed: name, uuid/);
  });
  it("a bad config fails synth with one clear message and writes nothing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-bad-"));
    const cfg = path.join(dir, "config.json");
    fs.writeFileSync(cfg, JSON.stringify({ catchAll: { accessTokenValidity: "weeks=four" } }));
    let err = "";
    try {
      execFileSync(process.execPath, ["-e", `require(${JSON.stringify(path.join(ROOT, "dist", "main.js"))}).buildApp(${JSON.stringify(path.join(dir, "out"))}).app.synth()`], { env: { ...process.env, AUTHENTIK_STACK_CONFIG: cfg }, stdio: "pipe" });
    } catch (e) {
      err = String((e as any).stderr);
    }
    expect(err).toContain("config.catchAll.accessTokenValidity: \"weeks=four\" is not an authentik duration");
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  });
});

describe("authentik durations", () => {
  it("parse the live TTLs", () => {
    expect(parseDuration("weeks=4")).toEqual({ seconds: 28 * 86400 });
    expect(parseDuration("weeks=4;days=2")).toEqual({ seconds: 30 * 86400 });
    expect(parseDuration("hours=2")).toEqual({ seconds: 7200 });
  });
  it("reject what authentik rejects", () => {
    for (const bad of ["", "weeks=four", "4w", "weeks=4;weeks=1", "eons=1", "weeks=0"]) expect(parseDuration(bad)).toHaveProperty("error");
  });
});

describe("derived names", () => {
  it("are today's live names by default", () => {
    const n = deriveNames(DEFAULT_CONFIG);
    expect(n.outpostObjectName).toBe("ak-outpost-authentik-embedded-outpost");
    expect(n.outpostTraefikService).toBe("authentik-ak-outpost-authentik-embedded-outpost-9000@kubernetes");
    expect(n.outpostPodLabels["goauthentik.io/outpost-uuid"]).toBe("0eecac0797c7443c892505f2f4fe3e47");
    expect(n.serverDeployment).toBe("goauthentik-server");
  });
  it("slugify as Django does", () => {
    expect(slugify("authentik Embedded Outpost")).toBe("authentik-embedded-outpost");
    expect(slugify("  Ünïcode -- Outpost!! ")).toBe("unicode-outpost");
  });
});

describe("the values file", () => {
  it("missing: the error names the field, the value, what is allowed and the fix", () => {
    const { readValuesFile } = require("../../config/values-file");
    expect(() => readValuesFile("/nonexistent/values.yaml")).toThrow(
      /config\.release\.valuesFile: cannot read "\/nonexistent\/values\.yaml" \(ENOENT\); allowed: a readable Helm values file.*Fix: point release\.valuesFile at it/,
    );
  });
  it("not YAML: the error names the file", () => {
    const { parseValues } = require("../../lib/values");
    expect(() => parseValues("a: [unclosed", "values/x.yaml")).toThrow(/^values\/x\.yaml: not valid YAML.*Fix: /);
  });
  it("a list at the top: the error says what is allowed", () => {
    const { parseValues } = require("../../lib/values");
    expect(() => parseValues("- a\n- b\n", "values/x.yaml")).toThrow("values/x.yaml: the top level is a list; allowed: a YAML mapping of chart values");
  });
});

describe("state addresses", () => {
  it("refuse to move one previous address to two places", () => {
    const { App, TerraformStack } = require("cdktf");
    const { Namespace } = require("@cdktf/provider-kubernetes/lib/namespace");
    const { pinAddress } = require("../../lib/state-address");
    const stack = new TerraformStack(new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "ak-mv-")) }), "s");
    pinAddress(new Namespace(stack, "a", { metadata: { name: "a" } }), "a", "module.m.kubernetes_namespace.x");
    expect(() => pinAddress(new Namespace(stack, "b", { metadata: { name: "b" } }), "b", "module.m.kubernetes_namespace.x")).toThrow(
      "moved: module.m.kubernetes_namespace.x is moved twice, to kubernetes_namespace.a and to kubernetes_namespace.b",
    );
  });
});
