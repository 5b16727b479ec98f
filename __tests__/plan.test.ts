/** judgePlan over `terraform show -json` plans: a recorded real plan, and the edge cases it must get right. */
import * as fs from "fs";
import * as path from "path";
import { judgePlan, formatVerdict } from "../engine/plan";
import { literalTemplate, tfJsonEncode, unescapeTemplate } from "../lib/tf-json";
import { ROOT } from "./support/synth";

const rc = (address: string, actions: string[], before: any = {}, after: any = {}, extra: any = {}) => ({ address, mode: "managed", type: address.split(".")[0], change: { actions, before, after, after_unknown: {}, before_sensitive: {}, after_sensitive: {} }, ...extra });

describe("judgePlan", () => {
  it("names the address and attribute of the recorded real plan's update", () => {
    const plan = JSON.parse(fs.readFileSync(path.join(ROOT, "__tests__", "fixtures", "recorded", "plan-with-changes.json"), "utf8"));
    const v = judgePlan(plan);
    expect(v.noChanges).toBe(false);
    expect(v.changes).toEqual([{ address: "authentik_provider_proxy.catchall", kind: "update", attributes: ["access_token_validity"], previousAddress: undefined }]);
    expect(formatVerdict(v)[1]).toBe("  update    authentik_provider_proxy.catchall: access_token_validity");
  });
  it("a plan of moves only is no change (terraform's -detailed-exitcode would say 2)", () => {
    const v = judgePlan({ format_version: "1.2", resource_changes: [rc("kubernetes_service.pgbouncer", ["no-op"], {}, {}, { previous_address: "module.authentik.kubernetes_service.pgbouncer" })] });
    expect(v).toMatchObject({ noChanges: true, changes: [], moves: [{ from: "module.authentik.kubernetes_service.pgbouncer", to: "kubernetes_service.pgbouncer" }] });
    expect(formatVerdict(v)[0]).toMatch(/^No changes/);
  });
  it("classifies create, delete and replace, and ignores data reads", () => {
    const v = judgePlan({ format_version: "1.2", resource_changes: [rc("a.x", ["create"]), rc("b.y", ["delete"]), rc("c.z", ["delete", "create"]), { ...rc("d.w", ["read"]), mode: "data" }] });
    expect(v.changes.map((c) => `${c.kind} ${c.address}`)).toEqual(["create a.x", "delete b.y", "replace c.z"]);
  });
  it("reports a values text that parses to the same values as its own kind, with the helm upgrade warning", () => {
    const v = judgePlan({ format_version: "1.2", resource_changes: [rc("helm_release.authentik", ["update"], { values: ["a: 1\n"] }, { values: ["# note\na: 1\n"] })] });
    expect(v.changes[0]).toMatchObject({ kind: "helm-values-text", attributes: ["values[0]"] });
    expect(v.changes[0].note).toMatch(/helm upgrade.*reverts out-of-band changes/);
    const real = judgePlan({ format_version: "1.2", resource_changes: [rc("helm_release.authentik", ["update"], { values: ["a: 1\n"] }, { values: ["a: 2\n"] })] });
    expect(real.changes[0].kind).toBe("update");
  });
  it("names a sensitivity-only change", () => {
    const c = rc("kubernetes_config_map.x", ["update"], { data: { k: "v" } }, { data: { k: "v" } });
    c.change.after_sensitive = { data: { k: true } };
    expect(judgePlan({ format_version: "1.2", resource_changes: [c] }).changes[0].attributes).toEqual(["data (sensitivity)"]);
  });
});

describe("Terraform JSON text", () => {
  it("escapes template sequences in literal text, and back", () => {
    expect(literalTemplate("a ${b} %{c}")).toBe("a $${b} %%{c}");
    expect(unescapeTemplate(literalTemplate("a ${b} %{c} $${d}"))).toBe("a ${b} %{c} $${d}");
  });
  it("encodes like jsonencode(): sorted keys, compact, HTML-safe", () => {
    expect(tfJsonEncode({ b: [1, null], a: "<&>" })).toBe('{"a":"\\u003c\\u0026\\u003e","b":[1,null]}');
  });
});

describe("a values file with template sequences", () => {
  it("reaches the helm release literally (the local escapes ${ and %{)", () => {
    const { synthJson } = require("./support/synth");
    const { parseValues } = require("../lib/values");
    const text = 'authentik:\n  existingSecret:\n    secretName: goauthentik\nserver:\n  env:\n    - name: X\n      value: "${not_terraform} %{also_not}"\n';
    const json: any = synthJson({}, { text, path: "inline", values: parseValues(text) });
    expect(json.locals.authentik_values).toContain("$${not_terraform} %%{also_not}");
  });
  it("without authentik.existingSecret the stack refuses, naming the field and the fix", () => {
    const { synthJson } = require("./support/synth");
    const { parseValues } = require("../lib/values");
    const text = "server:\n  replicas: 3\n";
    expect(() => synthJson({}, { text, path: "inline", values: parseValues(text) })).toThrow(/authentik\.existingSecret\.secretName is not set.*Fix: set it/);
  });
});
