/** Read helpers over a synthesized stack's JSON (guards/read/stack-json.ts), on small stacks in cdktf's JSON form. */
import { alertGroups, block, blocks, helmValues, isReference, outposts, resolveLocalText, resourcesOf } from "../../../guards/read/stack-json";
import { GuardContext, StackJson } from "../../../guards/types";

describe("resourcesOf", () => {
  it("lists a type's resources with their addresses; none when the stack has no such type or no resources", () => {
    const s: StackJson = { resource: { authentik_group: { a: { name: "A" }, b: { name: "B" } } } };
    expect(resourcesOf(s, "authentik_group")).toEqual([
      { type: "authentik_group", name: "a", address: "authentik_group.a", values: { name: "A" } },
      { type: "authentik_group", name: "b", address: "authentik_group.b", values: { name: "B" } },
    ]);
    expect(resourcesOf(s, "authentik_flow")).toEqual([]);
    expect(resourcesOf({}, "authentik_flow")).toEqual([]);
  });
});

describe("block and blocks", () => {
  it("read a nested block written as an object (cdktf) or a list (terraform)", () => {
    expect(block({ a: 1 })).toEqual({ a: 1 });
    expect(block([{ a: 1 }, { a: 2 }])).toEqual({ a: 1 });
    expect(block(null)).toBeUndefined();
    expect(block(undefined)).toBeUndefined();
    expect(blocks({ a: 1 })).toEqual([{ a: 1 }]);
    expect(blocks([{ a: 1 }, { a: 2 }])).toEqual([{ a: 1 }, { a: 2 }]);
    expect(blocks(null)).toEqual([]);
    expect(blocks(undefined)).toEqual([]);
    expect(blocks(0)).toEqual([0]);
  });
});

describe("outposts", () => {
  const stack = (config: unknown): StackJson => ({ resource: { authentik_outpost: { o: { name: "o", config } } } });
  it("parses the config JSON text", () => {
    expect(outposts(stack('{"a": 1}'))[0]).toMatchObject({ address: "authentik_outpost.o", config: { a: 1 } });
    expect(outposts(stack('{"a": 1}'))[0].configError).toBeUndefined();
  });
  it("says why a config can't be read: unset, a Terraform expression, not JSON", () => {
    expect(outposts(stack(undefined))[0]).toMatchObject({ configError: "config is not set" });
    expect(outposts(stack({ a: 1 }))[0]).toMatchObject({ configError: "config is not set" });
    expect(outposts(stack('${jsonencode(local.x)}'))[0].configError).toBe("config is a Terraform expression, not JSON text the guards can read");
    expect(outposts(stack("{not json"))[0].configError).toMatch(/^config is not valid JSON: /);
    expect(outposts(stack("{not json"))[0].config).toBeUndefined();
  });
});

describe("resolveLocalText", () => {
  const s: StackJson = { locals: { values: "a: $${x}\nb: %%{y}", n: 5, "dash-ed": "d" } };
  it("resolves ${local.x} and ${sensitive(local.x)} to the local's text, unescaped", () => {
    expect(resolveLocalText(s, "${local.values}")).toBe("a: ${x}\nb: %{y}");
    expect(resolveLocalText(s, "${sensitive(local.values)}")).toBe("a: ${x}\nb: %{y}");
    expect(resolveLocalText(s, "${local.dash-ed}")).toBe("d");
  });
  it("returns literal text as it is, and nothing for other expressions, missing or non-text locals, non-text input", () => {
    expect(resolveLocalText(s, "plain: text")).toBe("plain: text");
    expect(resolveLocalText(s, "${var.values}")).toBeUndefined();
    expect(resolveLocalText(s, "x: ${local.values}")).toBeUndefined();
    expect(resolveLocalText(s, "${local.values} ")).toBeUndefined();
    expect(resolveLocalText(s, "${local.missing}")).toBeUndefined();
    expect(resolveLocalText(s, "${local.n}")).toBeUndefined();
    expect(resolveLocalText({}, "${local.values}")).toBeUndefined();
    expect(resolveLocalText(s, ["${local.values}"])).toBeUndefined();
  });
});

describe("helmValues", () => {
  const ctx = (release: any, locals: any = {}) => ({ stack: { resource: { helm_release: { r: release } }, locals } }) as unknown as GuardContext;
  it("parses each release's first values document, with its chart version", () => {
    const [h] = helmValues(ctx({ version: "1.2.3", values: ["${local.v}", "ignored: 1"] }, { v: "server:\n  replicas: 2\n" }));
    expect(h).toMatchObject({ address: "helm_release.r", chartVersion: "1.2.3", text: "server:\n  replicas: 2\n" });
    expect(h.values!.raw).toEqual({ server: { replicas: 2 } });
    expect(h.error).toBeUndefined();
  });
  it("reports a release without literal values, or with values that don't parse", () => {
    expect(helmValues(ctx({ version: "1" }))[0]).toMatchObject({ chartVersion: "1", error: "values[0] is not literal text the guards can read" });
    expect(helmValues(ctx({ version: "1", values: ["${var.v}"] }))[0].error).toBe("values[0] is not literal text the guards can read");
    const bad = helmValues(ctx({ version: "1", values: ["a: [1"] }))[0];
    expect(bad).toMatchObject({ chartVersion: "1", text: "a: [1" });
    expect(bad.error).toContain("helm_release.r.values[0]");
    expect(bad.values).toBeUndefined();
  });
});

describe("alertGroups", () => {
  const s = (value: unknown): StackJson => ({ output: { alerting_rules_yaml: { value } } });
  it("reads the rule groups from the output's YAML text (template escapes undone)", () => {
    expect(alertGroups(s("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up{job=\"$${x}\"}\n"))).toEqual([{ name: "g", rules: [{ alert: "A", expr: 'up{job="${x}"}' }] }]);
  });
  it("is undefined without the output, with a non-text value, with text that is not YAML, or YAML without groups", () => {
    expect(alertGroups({})).toBeUndefined();
    expect(alertGroups({ output: {} })).toBeUndefined();
    expect(alertGroups(s({ groups: [] }))).toBeUndefined();
    expect(alertGroups(s("groups: [unclosed"))).toBeUndefined();
    expect(alertGroups(s(""))).toBeUndefined();
    expect(alertGroups(s("other: 1"))).toBeUndefined();
  });
});

describe("isReference", () => {
  it("is true for text containing a Terraform reference", () => {
    expect(isReference("${var.x}")).toBe(true);
    expect(isReference("a ${var.x} b")).toBe(true);
    expect(isReference("$x")).toBe(false);
    expect(isReference(5)).toBe(false);
  });
});
