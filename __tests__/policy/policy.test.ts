/**
 * Every rule and branch of the plan policy, on small plans in terraform's `show -json` format (1.2, as
 * terraform 1.11.4 writes it: see the recorded __tests__/fixtures/recorded/plan-with-changes.json, which
 * runs through the policy first). The helm_release change carries the attributes the rules read
 * (name, chart, repository, version, values = the live values file, metadata); delete/replace actions,
 * action_reason, replace_paths and change.importing follow terraform's JSON output format
 * (internals/json-format, "Change Representation"). The same rules over plans terraform itself made
 * from operator edits, with the real providers: plan-to-zero/policy-real-plans.test.ts.
 */
import * as fs from "fs";
import * as path from "path";
import {
  runPolicy, formatPolicyFinding, parseReasoned, PolicyInputError, PolicyFacts, RULES, releaseValues, changeKind,
  imageTag, parseVersion, compareVersions, resourceClass, valuesTextOnly, changedAttributes, get, targetImages, ValuesParseError,
} from "../../policy";
import { ROOT, clone, realStackJson } from "../support/stack-json";

const RECORDED = JSON.parse(fs.readFileSync(path.join(ROOT, "__tests__", "fixtures", "recorded", "plan-with-changes.json"), "utf8"));
const LIVE_VALUES = fs.readFileSync(path.join(ROOT, "values", "authentik.yaml"), "utf8");
const HELM = (() => {
  const attrs = { name: "goauthentik", namespace: "authentik", chart: "authentik", repository: "https://charts.goauthentik.io/", version: "2026.2.2", values: [LIVE_VALUES], metadata: { app_version: "2026.2.2", chart: "authentik", version: "2026.2.2" } };
  return { address: "helm_release.authentik", mode: "managed", type: "helm_release", name: "authentik", provider_name: "registry.terraform.io/hashicorp/helm", change: { actions: ["no-op"], before: attrs, after: clone(attrs), after_unknown: {}, before_sensitive: {}, after_sensitive: {} } };
})();
const A = "helm_release.authentik";

const rc = (type: string, name: string, actions: string[], before: any = { id: "x" }, after: any = { id: "x" }, extra: any = {}) => ({
  address: `${type}.${name}`, mode: "managed", type, name, provider_name: "registry.terraform.io/hashicorp/kubernetes",
  change: { actions, before, after, after_unknown: {}, before_sensitive: {}, after_sensitive: {}, ...(extra.change ?? {}) },
  ...(extra.action_reason ? { action_reason: extra.action_reason } : {}),
});
const planOf = (...changes: any[]) => ({ format_version: "1.2", terraform_version: "1.11.4", resource_changes: changes, errored: false, complete: true });

/** The recorded helm_release, planned as an update to `after` (metadata recomputed, as the helm provider plans it). */
function helmUpdate(after: (a: any) => void, actions = ["update"]) {
  const r = clone(HELM);
  r.change.actions = actions;
  after(r.change.after);
  r.change.after_unknown = { ...r.change.after_unknown, metadata: true };
  delete (r.change.after as { metadata?: unknown }).metadata;
  return r;
}
const setValues = (text: string) => (a: any) => (a.values = [text]);
/** The live values with `<key>.image.tag` pinned, edited as an operator would (a top-level key's block). */
const pinTag = (tag: string, key = "global") => {
  const out = LIVE_VALUES.replace(new RegExp(`^${key}:\n`, "m"), `${key}:\n  image:\n    tag: "${tag}"\n`);
  if (out === LIVE_VALUES) throw new Error(`no top-level ${key}: in the values file`);
  return out;
};
const running = (...versions: string[]) => versions.map((v, i) => ({ image: `ghcr.io/goauthentik/server:${v}`, source: `deployment authentik/goauthentik-server pod ${i}` }));
const facts = (rf: object = { running: running("2026.2.2"), targetAppVersion: "2026.2.2" }): PolicyFacts => ({ releases: { [A]: rf } });
const ids = (r: ReturnType<typeof runPolicy>) => r.findings.map((f) => `${f.id} ${f.severity} ${f.address}`);

describe("the recorded real plan", () => {
  it("passes: an authentik update and two moves are nothing the policy refuses", () => {
    // what terraform 1.11.4 planned there (so an emptied or re-recorded fixture can't pass vacuously)
    expect(RECORDED.resource_changes.map((c: any) => `${c.address} ${c.change.actions.join("+")} from ${c.previous_address ?? "-"}`)).toStrictEqual([
      "authentik_provider_proxy.catchall update from -",
      "cloudflare_record.authentik no-op from module.authentik.module.ingress.cloudflare_record.proxied[0]",
      "helm_release.authentik no-op from module.authentik.helm_release.authentik",
    ]);
    expect(LIVE_VALUES).toContain("existingSecret");
    const r = runPolicy(RECORDED, facts());
    expect(r.findings).toEqual([]);
  });
  it("every rule has an id, a name, what it protects, and a unique id", () => {
    expect(RULES.map((r) => r.id)).toStrictEqual(["PL001", "PL002", "PL003", "PL004", "PL005", "PL006"]);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) expect([r.id, r.name.length > 3, r.protects.length > 40]).toEqual([expect.stringMatching(/^PL\d{3}$/), true, true]);
  });
});

describe("PL001 no destroy of stateful or identity objects", () => {
  it.each([
    ["kubernetes_namespace", "authentik"], ["kubernetes_secret", "tls_secret"], ["kubernetes_secret_v1", "x"], ["kubernetes_persistent_volume_claim", "data"],
    ["kubernetes_persistent_volume_v1", "pv"], ["helm_release", "authentik"], ["authentik_outpost", "embedded"], ["authentik_provider_proxy", "catchall"],
  ])("a delete of %s is refused", (type, name) => {
    const r = runPolicy(planOf(rc(type, name, ["delete"], { id: "x" }, null, { action_reason: "delete_because_no_resource_config" })), facts());
    expect(ids(r)).toEqual([`PL001 error ${type}.${name}`]);
    expect(r.findings[0].message).toContain("the configuration no longer declares it");
    expect(r.findings[0].fix).toContain(`--allow-destroy ${type}.${name}=`);
  });
  it("a replace is refused naming the attribute that forces it, in both orders terraform plans", () => {
    for (const actions of [["delete", "create"], ["create", "delete"]]) {
      const r = runPolicy(planOf(rc("kubernetes_secret", "tls", actions, { id: "a" }, { id: "b" }, { action_reason: "replace_because_cannot_update", change: { replace_paths: [["metadata", 0, "name"]] } })), facts());
      expect(ids(r)).toEqual(["PL001 error kubernetes_secret.tls"]);
      expect(r.findings[0].message).toContain("destroyed and re-created (forced by metadata[0].name): an attribute that can't change in place changed");
    }
  });
  it("stateless objects may be re-created; data sources are never judged", () => {
    const r = runPolicy(planOf(rc("kubernetes_config_map", "c", ["delete"]), rc("kubernetes_service", "s", ["delete", "create"]), rc("cloudflare_record", "r", ["delete"]), { ...rc("vault_kv_secret_v2", "v", ["read"]), mode: "data" }), facts());
    expect(r.findings).toEqual([]);
  });
  it("--allow-destroy lets exactly the named address through, visibly; others stay refused; unused allowances are listed", () => {
    const p = planOf(rc("kubernetes_namespace", "authentik", ["delete"]), rc("kubernetes_secret", "tls", ["delete"]));
    const r = runPolicy(p, facts(), { allowDestroy: new Map([["kubernetes_namespace.authentik", "moving to a new namespace, data exported"], ["kubernetes_secret.other", "not in this plan at all"]]) });
    expect(r.findings.map((f) => [f.address, f.allowed?.reason])).toEqual([["kubernetes_namespace.authentik", "moving to a new namespace, data exported"], ["kubernetes_secret.tls", undefined]]);
    expect([r.errors, r.allowed, r.refused]).toEqual([1, 1, true]);
    expect(r.unusedAllowances).toEqual(["kubernetes_secret.other"]);
    expect(formatPolicyFinding(r.findings[0])).toContain("[destroy allowed: moving to a new namespace, data exported]");
  });
  it("an allowance must be a resource address with a reason", () => {
    expect(() => runPolicy(planOf(), facts(), { allowDestroy: new Map([["not an address", "a long enough reason"]]) })).toThrow(/not a resource address/);
    expect(() => runPolicy(planOf(), facts(), { allowDestroy: new Map([["kubernetes_secret.tls", "short"]]) })).toThrow(/written reason/);
    expect(() => runPolicy(planOf(), facts(), { allowDestroy: new Map([['module.authentik.module.ingress.cloudflare_record.proxied[0]', "old address, moved by hand"]]) })).not.toThrow();
  });
  it("says what a delete does and how to restore it, and what a replace does and what to keep", () => {
    const del = runPolicy(planOf(rc("kubernetes_secret", "tls", ["delete"])), facts()).findings[0];
    expect(del.message).toMatch(/^kubernetes_secret\.tls would be destroyed\. A Secret/i);
    expect(del.fix).toMatch(/^Restore it in the configuration \(for a renamed address, a moved block from kubernetes_secret\.tls\)/);
    const rep = runPolicy(planOf(rc("kubernetes_secret", "tls", ["delete", "create"], { id: "a" }, { id: "b" }, { change: { replace_paths: [["data"], ["metadata", 0, "name"]] } })), facts()).findings[0];
    expect(rep.message).toMatch(/^kubernetes_secret\.tls would be destroyed and re-created \(forced by data, metadata\[0\]\.name\)\. /);
    expect(rep.fix).toMatch(/^Keep data, metadata\[0\]\.name as deployed/);
    const bare = runPolicy(planOf(rc("kubernetes_secret", "tls", ["delete", "create"])), facts()).findings[0];
    expect(bare.message).toMatch(/^kubernetes_secret\.tls would be destroyed and re-created\. /);
    expect(bare.fix).toMatch(/^Keep the attribute that forces it as deployed/);
  });
  it("names an action reason it doesn't know as terraform wrote it", () => {
    const r = runPolicy(planOf(rc("kubernetes_secret", "tls", ["delete"], { id: "x" }, null, { action_reason: "delete_because_of_mars" })), facts());
    expect(r.findings[0].message).toMatch(/^kubernetes_secret\.tls would be destroyed: delete_because_of_mars\. /);
  });
  it("a destroy of an unknown type is PL006's alone; a data source is never judged, whatever its action", () => {
    expect(ids(runPolicy(planOf(rc("kubernetes_cron_job_v1", "c", ["delete"])), facts()))).toEqual(["PL006 error kubernetes_cron_job_v1.c"]);
    expect(runPolicy(planOf({ ...rc("kubernetes_secret", "s", ["delete"]), mode: "data" }), facts()).findings).toEqual([]);
  });
});

describe("PL002 no helm upgrade for a cosmetic values edit", () => {
  it("a comment in the values text is refused with why and what to do", () => {
    const r = runPolicy(planOf(helmUpdate(setValues("# a note\n" + LIVE_VALUES))), facts());
    expect(ids(r)).toEqual([`PL002 error ${A}`]);
    expect(r.findings[0].message).toMatch(/parses to the same values.*full helm upgrade.*three-way merge/);
    expect(r.findings[0].fix).toMatch(/byte-identical.*--ack PL002=/);
  });
  it("a values change that changes a value is not this rule's", () => {
    expect(runPolicy(planOf(helmUpdate(setValues(LIVE_VALUES.replace("replicas: 3", "replicas: 4")))), facts()).findings).toEqual([]);
  });
  it("a cosmetic edit riding along a chart bump is not refused (the upgrade runs anyway)", () => {
    const r = runPolicy(planOf(helmUpdate((a) => ((a.values = ["# note\n" + LIVE_VALUES]), (a.version = "2026.2.3")))), facts({ running: running("2026.2.2"), targetAppVersion: "2026.2.3" }));
    expect(r.findings.map((f) => f.id)).toEqual(["PL004"]);
  });
  it("valuesTextOnly: same text is no change, unparseable text is not 'cosmetic'", () => {
    expect(valuesTextOnly({ values: ["a: 1"] }, { values: ["a: 1"] })).toBe(false);
    expect(valuesTextOnly({ values: ["a: 1"] }, { values: ["a: [1"] })).toBe(false);
    expect(valuesTextOnly({ values: ["a: 1"] }, { values: ["a:   1 # x"] })).toBe(true);
  });
  it("can be acknowledged: the upgrade then runs, visibly", () => {
    const r = runPolicy(planOf(helmUpdate(setValues("# a note\n" + LIVE_VALUES))), facts(), { acks: [{ id: "PL002", reason: "checked: nothing changed out of band" }] });
    expect(r.findings.map((f) => [f.id, f.acknowledged])).toEqual([["PL002", { reason: "checked: nothing changed out of band" }]]);
    expect([r.refused, r.errors, r.acknowledged]).toEqual([false, 0, 1]);
    expect(formatPolicyFinding(r.findings[0])).toMatch(/\[acknowledged: checked: nothing changed out of band\]$/);
  });
  it("set entries rewritten without changing a value are cosmetic too", () => {
    const withSet = (set: any[]) => {
      const h = helmUpdate(() => undefined);
      (h.change.before as any).set = [{ name: "a", value: "1" }, { name: "b", value: "2" }];
      (h.change.after as any).set = set;
      return h;
    };
    expect(ids(runPolicy(planOf(withSet([{ name: "b", value: "2" }, { name: "a", value: "1" }])), facts()))).toEqual([`PL002 error ${A}`]);
    expect(runPolicy(planOf(withSet([{ name: "a", value: "3" }, { name: "b", value: "2" }])), facts()).findings.map((f) => f.id)).not.toContain("PL002");
  });
  it("judges only updates of managed helm releases", () => {
    const cosmetic = helmUpdate(setValues("# a note\n" + LIVE_VALUES));
    expect(runPolicy(planOf({ ...cosmetic, mode: "data" }), facts()).findings).toEqual([]);
    const other = rc("kubernetes_config_map", "c", ["update"], { values: ["a: 1"] }, { values: ["a:   1"] });
    expect(runPolicy(planOf(other), facts()).findings).toEqual([]);
    const replaced = helmUpdate(setValues("# a note\n" + LIVE_VALUES), ["delete", "create"]);
    expect(runPolicy(planOf(replaced), facts()).findings.map((f) => f.id)).not.toContain("PL002");
  });
});

describe("PL003 no image older than the one running", () => {
  const replicas = () => helmUpdate(setValues(LIVE_VALUES.replace("replicas: 3", "replicas: 4")));
  it("an upgrade rendering the chart's default below an updater's newer image is refused, for server and worker", () => {
    const r = runPolicy(planOf(replicas()), facts({ running: running("2026.2.2", "2026.5.6"), targetAppVersion: "2026.2.2" }));
    expect(ids(r)).toEqual([`PL003 error ${A}`, `PL003 error ${A}`]);
    expect(r.findings[0].message).toContain("older than ghcr.io/goauthentik/server:2026.5.6 running now (deployment authentik/goauthentik-server pod 1)");
  });
  it("a pinned tag wins over the appVersion, per component tag over global", () => {
    const f = facts({ running: running("2026.5.6"), targetAppVersion: "2026.2.2" });
    expect(runPolicy(planOf(helmUpdate(setValues(pinTag("2026.5.6")))), f).findings).toEqual([]);
    const serverOnly = runPolicy(planOf(helmUpdate(setValues(pinTag("2026.5.6", "server")))), f);
    expect(serverOnly.findings.map((x) => x.message.split(" would")[0])).toEqual([`${A}: the worker`]);
    expect(serverOnly.findings[0].fix).toContain('Pin global.image.tag: "2026.5.6"');
    const pinnedOld = runPolicy(planOf(helmUpdate(setValues(pinTag("2026.2.1", "worker")))), facts());
    expect(pinnedOld.findings[0].fix).toBe("Set worker.image.tag to 2026.2.2 or later in the values file (or remove it if the chart's appVersion is newer).");
  });
  it("a helm `set` entry counts like the values", () => {
    const r = runPolicy(planOf(helmUpdate((a) => (a.set = [{ name: "global.image.tag", value: "2026.2.1", type: "" }]))), facts());
    expect(ids(r)).toEqual([`PL003 error ${A}`, `PL003 error ${A}`]);
  });
  it("a digest does not hide the tag; a pre-release sorts below its release", () => {
    const r = runPolicy(planOf(replicas()), facts({ running: [{ image: "ghcr.io/goauthentik/server:2026.5.0@sha256:abc", source: "s" }], targetAppVersion: "2026.5.0-rc1" }));
    expect(r.findings.map((f) => f.id)).toEqual(["PL003", "PL003"]);
  });
  it("can't judge -> refused: no cluster facts, a running image without version, an unknown appVersion, a non-version tag", () => {
    const msgs = (rf: object | undefined, text = LIVE_VALUES.replace("replicas: 3", "replicas: 4")) =>
      runPolicy(planOf(helmUpdate(setValues(text))), rf ? facts(rf) : { releases: {} }).findings.map((f) => `${f.id} ${f.severity} ${f.message.split(": ").slice(1).join(": ")}`);
    expect(msgs(undefined)[0]).toMatch(/^PL003 error can't tell .*the running image was not read from the cluster/);
    expect(msgs({ runningError: "kubectl: connection refused" })[0]).toContain("kubectl: connection refused");
    expect(msgs({ running: [{ image: "ghcr.io/goauthentik/server:latest", source: "d" }], targetAppVersion: "2026.2.2" })[0]).toContain("has no version tag");
    expect(msgs({ running: [{ image: "ghcr.io/goauthentik/server", source: "d" }], targetAppVersion: "2026.2.2" })[0]).toContain("has no version tag");
    expect(msgs({ running: running("2026.2.2"), targetAppVersionError: "index.yaml: 404" })[0]).toContain("appVersion, which is unknown (index.yaml: 404)");
    expect(msgs({ running: running("2026.2.2") }, pinTag("main"))[0]).toContain("tag 'main' (from values global.image.tag) is not a version");
    // a `global` that is not a map pins no tag (global.image.tag reads through maps only), so the image follows the appVersion, unknown here
    expect(msgs({ running: running("2026.2.2") }, "global: [1, 2]\n")).toStrictEqual(
      ["server", "worker"].map((c) => `PL003 error can't tell whether this update runs an older authentik image than the one running now: the ${c} image follows the chart's appVersion, which is unknown (not read)`),
    );
    // pinned, the appVersion isn't needed
    expect(msgs({ running: running("2026.2.2"), targetAppVersionError: "unreachable" }, pinTag("2026.2.2"))).toEqual([]);
  });
  it("a first install (nothing running) passes; a no-op release is not judged", () => {
    const create = clone(HELM);
    create.change = { ...create.change, actions: ["create"], before: null as any };
    expect(runPolicy(planOf(create), facts({ running: [], targetAppVersionError: "unreachable" })).findings).toEqual([]);
    expect(runPolicy(planOf(clone(HELM)), { releases: {} }).findings).toEqual([]);
  });
  it("judges creates and replaces too: a re-install over a newer running image is refused", () => {
    const newer = facts({ running: running("2026.5.6"), targetAppVersion: "2026.2.2" });
    const create = clone(HELM);
    create.change = { ...create.change, actions: ["create"], before: null as any };
    expect(ids(runPolicy(planOf(create), newer))).toEqual([`PL003 error ${A}`, `PL003 error ${A}`]);
    const replace = helmUpdate(setValues(LIVE_VALUES), ["delete", "create"]);
    expect(runPolicy(planOf(replace), newer).findings.map((f) => f.id).sort()).toEqual(["PL001", "PL003", "PL003"]);
  });
  it("judges only managed helm releases", () => {
    expect(runPolicy(planOf(rc("kubernetes_config_map", "c", ["update"])), { releases: {} }).findings).toEqual([]);
    expect(runPolicy(planOf({ ...helmUpdate(setValues(LIVE_VALUES)), mode: "data" }), { releases: {} }).findings).toEqual([]);
  });
  it("compares with the newest running image, named where it was first seen", () => {
    const older = facts({ running: running("2026.5.6", "2026.2.2"), targetAppVersion: "2026.2.2" });
    const r = runPolicy(planOf(helmUpdate(setValues(LIVE_VALUES.replace("replicas: 3", "replicas: 4")))), older);
    expect(r.findings[0].message).toContain("older than ghcr.io/goauthentik/server:2026.5.6 running now (deployment authentik/goauthentik-server pod 0)");
    const twice = facts({ running: running("2026.5.6", "2026.5.6"), targetAppVersion: "2026.2.2" });
    expect(runPolicy(planOf(helmUpdate(setValues(LIVE_VALUES.replace("replicas: 3", "replicas: 4")))), twice).findings[0].message).toContain("(deployment authentik/goauthentik-server pod 0)");
  });
  it("can't judge planned values that don't parse, and says so", () => {
    for (const text of ["- a\n- b\n", "a: [1"]) {
      const r = runPolicy(planOf(helmUpdate(setValues(text))), facts());
      expect(r.findings.filter((f) => f.id === "PL003").map((f) => f.message)).toEqual([expect.stringMatching(/^helm_release\.authentik: can't tell whether this update runs an older authentik image than the one running now: the planned values\[0\] is not/)]);
    }
  });
  it("the fix names the values key that pins the old tag", () => {
    const r = runPolicy(planOf(helmUpdate(setValues(pinTag("2026.2.1")))), facts());
    expect(r.findings.map((f) => f.fix)).toEqual(["Set global.image.tag to 2026.2.2 or later in the values file (or remove it if the chart's appVersion is newer).", "Set global.image.tag to 2026.2.2 or later in the values file (or remove it if the chart's appVersion is newer)."]);
  });
});

describe("PL004 chart bump with an unpinned image", () => {
  const bump = (values = LIVE_VALUES) => helmUpdate((a) => ((a.version = "2026.5.6"), (a.values = [values])));
  it("warns, naming the appVersion to pin; acknowledged it no longer counts", () => {
    const r = runPolicy(planOf(bump()), facts({ running: running("2026.2.2"), targetAppVersion: "2026.5.6" }));
    expect(ids(r)).toEqual([`PL004 warning ${A}`]);
    expect(r.findings[0].message).toContain("chart 2026.2.2 -> 2026.5.6, and the server and worker image follows the chart's default (2026.5.6)");
    expect([r.refused, r.warnings]).toEqual([false, 1]);
    const acked = runPolicy(planOf(bump()), facts({ running: running("2026.2.2"), targetAppVersion: "2026.5.6" }), { acks: [{ id: "PL004", reason: "rehearsed in the box" }] });
    expect([acked.warnings, acked.acknowledged]).toEqual([0, 1]);
  });
  it("no warning when the image is pinned or the chart does not move", () => {
    expect(runPolicy(planOf(bump(pinTag("2026.5.6"))), facts({ running: running("2026.2.2"), targetAppVersion: "2026.5.6" })).findings).toEqual([]);
    expect(runPolicy(planOf(helmUpdate(setValues(LIVE_VALUES.replace("replicas: 3", "replicas: 4")))), facts()).findings).toEqual([]);
  });
  it("without a known appVersion, says 'its appVersion' and asks for a version", () => {
    const r = runPolicy(planOf(bump()), { releases: {} });
    const f = r.findings.find((x) => x.id === "PL004")!;
    expect(f.message).toContain("follows the chart's default (its appVersion)");
    expect(f.fix).toContain('Pin global.image.tag: "<version>"');
  });
  it("names only the component that follows the chart", () => {
    const r = runPolicy(planOf(bump(pinTag("2026.5.6", "server"))), facts({ running: running("2026.2.2"), targetAppVersion: "2026.5.6" }));
    expect(r.findings.map((f) => f.message)).toEqual([expect.stringContaining("and the worker image follows the chart's default (2026.5.6)")]);
  });
  it("judges only managed helm releases whose chart version changes to a known one", () => {
    const f = facts({ running: running("2026.2.2"), targetAppVersion: "2026.5.6" });
    expect(runPolicy(planOf(rc("kubernetes_config_map", "c", ["update"], { version: "1" }, { version: "2" })), f).findings).toEqual([]);
    expect(runPolicy(planOf({ ...bump(), mode: "data" }), f).findings).toEqual([]);
    const unknownTarget = helmUpdate((a) => delete a.version);
    expect(runPolicy(planOf(unknownTarget), f).findings).toEqual([]);
    const noBefore = bump();
    noBefore.change.before = null as any;
    expect(runPolicy(planOf(noBefore), f).findings.map((x) => x.message)).toEqual([expect.stringContaining("chart undefined -> 2026.5.6")]);
    const noAfter = bump();
    noAfter.change.after = null as any;
    expect(runPolicy(planOf(noAfter), f).findings).toStrictEqual([]);
  });
  it("leaves values that don't parse to PL003", () => {
    expect(runPolicy(planOf(bump("- a\n")), facts({ running: running("2026.2.2"), targetAppVersion: "2026.5.6" })).findings.map((f) => f.id)).toStrictEqual(["PL003"]);
  });
});

describe("PL005 an import changes nothing else", () => {
  const imp = (actions: string[], extra: any = {}) =>
    rc("kubernetes_secret", "tls", actions, { metadata: [{ name: "tls" }], data: { a: 1 } }, { metadata: [{ name: "tls" }], data: { a: 2 } }, { change: { importing: { id: "authentik/tls" }, ...extra } });
  it("an import that also updates is refused, naming the attributes", () => {
    const r = runPolicy(planOf(imp(["update"])), facts());
    expect(ids(r)).toEqual(["PL005 error kubernetes_secret.tls"]);
    expect(r.findings[0].message).toContain('kubernetes_secret.tls (import id "authentik/tls"): the import would also change it (data)');
    expect(r.findings[0].fix).toContain("until the plan shows the import alone");
  });
  it("an import that replaces is refused by PL005 and PL001", () => {
    const r = runPolicy(planOf(imp(["delete", "create"], { replace_paths: [["metadata", 0, "name"]] })), facts());
    expect(ids(r).sort()).toEqual(["PL001 error kubernetes_secret.tls", "PL005 error kubernetes_secret.tls"]);
    expect(r.findings.find((f) => f.id === "PL005")!.message).toContain("destroy and re-create the live object (metadata[0].name)");
  });
  it("a clean import passes", () => {
    expect(runPolicy(planOf(imp(["no-op"])), facts()).findings).toEqual([]);
  });
  it("an import without an id, or a replace without replace_paths, is still refused, without the missing part", () => {
    const noId = rc("kubernetes_secret", "tls", ["update"], { data: { a: 1 } }, { data: { a: 2 } }, { change: { importing: {} } });
    expect(runPolicy(planOf(noId), facts()).findings[0].message).toMatch(/^kubernetes_secret\.tls: the import would also change it \(data\): /);
    const bare = rc("kubernetes_secret", "tls", ["delete", "create"], {}, {}, { change: { importing: { id: "authentik/tls" } } });
    expect(runPolicy(planOf(bare), facts()).findings.find((f) => f.id === "PL005")!.message).toMatch(/the import would destroy and re-create the live object: the configuration differs/);
  });
  it("names other actions an import plans as they are", () => {
    const forget = rc("kubernetes_config_map", "c", ["forget"], {}, {}, { change: { importing: { id: "authentik/c" } } });
    expect(runPolicy(planOf(forget), facts()).findings[0].message).toContain("the import would also forget it");
  });
  it("judges only imports of managed resources", () => {
    expect(runPolicy(planOf({ ...imp(["update"]), mode: "data" }), facts()).findings).toEqual([]);
    expect(runPolicy(planOf(rc("kubernetes_config_map", "c", ["update"])), facts()).findings).toEqual([]);
  });
});

describe("PL006 what can't be judged is refused", () => {
  it.each([
    ["null", null, /not a JSON object \(got null\)/],
    ["an array", [], /not a JSON object \(got an array\)/],
    ["text", "No changes.", /not a JSON object \(got string\)/],
    ["no format_version", { resource_changes: [] }, /format_version is undefined/],
    ["format 2", { format_version: "2.0", resource_changes: [] }, /format_version is "2.0"/],
    ["no resource_changes", { format_version: "1.2" }, /resource_changes is missing/],
    ["resource_changes not a list", { format_version: "1.2", resource_changes: {} }, /resource_changes is not a list/],
    ["a change without actions", { format_version: "1.2", resource_changes: [{ address: "a.b", type: "a", mode: "managed", change: {} }] }, /\(a\.b\) has no change.actions/],
    ["a bad mode", { format_version: "1.2", resource_changes: [{ address: "a.b", type: "a", mode: "x", change: { actions: ["create"] } }] }, /mode "x"/],
    ["an entry that is not an object", { format_version: "1.2", resource_changes: [1] }, /not an object/],
  ])("an unreadable plan (%s) is refused and no other rule runs", (_n, plan, msg) => {
    const r = runPolicy(plan, facts());
    expect(r.refused).toBe(true);
    expect(r.findings.every((f) => f.id === "PL006" && f.address === "(plan)")).toBe(true);
    expect(r.findings.map((f) => f.message).join(" ")).toMatch(msg);
  });
  it("an errored or incomplete plan is refused", () => {
    expect(runPolicy({ ...planOf(), errored: true }, facts()).findings[0].message).toContain("errored");
    expect(runPolicy({ ...planOf(), complete: false }, facts()).findings[0].message).toContain("incomplete");
    expect(runPolicy({ ...planOf(), deferred_changes: [{}] }, facts()).findings[0].message).toContain("incomplete");
  });
  it("an unknown action or action combination is refused", () => {
    expect(runPolicy(planOf(rc("kubernetes_service", "s", ["transmogrify"])), facts()).findings[0].message).toContain("action(s) transmogrify are unknown");
    expect(runPolicy(planOf(rc("kubernetes_service", "s", ["delete", "update"])), facts()).findings[0].message).toContain("combination delete+update is unknown");
  });
  it("a change to an unknown resource type is refused; unchanged or read, it is not", () => {
    const r = runPolicy(planOf(rc("kubernetes_cron_job_v1", "c", ["create"])), facts());
    expect(ids(r)).toEqual(["PL006 error kubernetes_cron_job_v1.c"]);
    expect(runPolicy(planOf(rc("kubernetes_cron_job_v1", "c", ["no-op"]), { ...rc("aws_caller_identity", "me", ["read"]), mode: "data" }), facts()).findings).toEqual([]);
  });
  it("every resource type the stack synthesizes has a class", () => {
    const types = Object.keys(realStackJson().resource!);
    expect(types.length).toBeGreaterThan(10);
    expect(types.filter((t) => !resourceClass(t))).toEqual([]);
  });
  it.each([
    ["a numeric format_version", { format_version: 1.2, resource_changes: [] }, /format_version is 1\.2/],
    ["format 21.0", { format_version: "21.0", resource_changes: [] }, /format_version is "21\.0"/],
    ["a null entry", { format_version: "1.2", resource_changes: [null] }, /^unreadable plan: resource_changes\[0\] is not an object$/],
    ["an entry without address", { format_version: "1.2", resource_changes: [{ type: "a", mode: "managed", change: { actions: ["create"] } }] }, /^unreadable plan: resource_changes\[0\] has no address or type$/],
    ["an entry without type", { format_version: "1.2", resource_changes: [{ address: "a.b", mode: "managed", change: { actions: ["create"] } }] }, /^unreadable plan: resource_changes\[0\] \(a\.b\) has no address or type$/],
    ["a null change", { format_version: "1.2", resource_changes: [{ address: "a.b", type: "a", mode: "managed", change: null }] }, /has no change\.actions/],
    ["a change that is text", { format_version: "1.2", resource_changes: [{ address: "a.b", type: "a", mode: "managed", change: "create" }] }, /has no change\.actions/],
    ["no actions", { format_version: "1.2", resource_changes: [{ address: "a.b", type: "a", mode: "managed", change: { actions: [] } }] }, /has no change\.actions/],
  ])("refuses %s", (_n, plan, msg) => {
    const r = runPolicy(plan, facts());
    expect(r.findings.map((f) => f.message)).toEqual([expect.stringMatching(msg)]);
  });
  it("a managed read or a data source of an unknown type is not refused", () => {
    expect(runPolicy(planOf(rc("kubernetes_cron_job_v1", "c", ["read"])), facts()).findings).toEqual([]);
    expect(runPolicy(planOf({ ...rc("kubernetes_cron_job_v1", "c", ["update"]), mode: "data" }), facts()).findings).toEqual([]);
  });
});

describe("acknowledgements", () => {
  it("need a known id, a reason, and a rule whose refusals can be acknowledged", () => {
    expect(() => runPolicy(planOf(), facts(), { acks: [{ id: "PL999", reason: "a long enough reason" }] })).toThrow(/unknown policy rule; allowed: PL001, PL002/);
    expect(() => runPolicy(planOf(), facts(), { acks: [{ id: "PL002", reason: "short" }] })).toThrow(/written reason/);
    expect(() => runPolicy(planOf(), facts(), { acks: [{ id: "PL001", reason: "a long enough reason" }] })).toThrow(/can't be acknowledged \(a destroy is allowed per address: --allow-destroy/);
    for (const id of ["PL003", "PL005", "PL006"]) expect(() => runPolicy(planOf(), facts(), { acks: [{ id, reason: "a long enough reason" }] })).toThrow(PolicyInputError);
  });
  it("parseReasoned reads ID=reason and refuses a missing reason", () => {
    expect(parseReasoned("ack", "PL004=rehearsed in the box first")).toEqual({ key: "PL004", reason: "rehearsed in the box first" });
    expect(parseReasoned("allow-destroy", "helm_release.authentik=a=b reason text")).toEqual({ key: "helm_release.authentik", reason: "a=b reason text" });
    expect(() => parseReasoned("ack", "PL004")).toThrow(/--ack PL004: a written reason is required/);
    expect(() => parseReasoned("ack", "=something long")).toThrow(/nothing before '='/);
  });
  it("an acknowledgement covers its own rule's findings only", () => {
    const p = planOf(helmUpdate(setValues("# a note\n" + LIVE_VALUES)));
    const r = runPolicy(p, facts(), { acks: [{ id: "PL004", reason: "rehearsed in the box first" }] });
    expect(r.findings.map((f) => [f.id, !!f.acknowledged])).toEqual([["PL002", false]]);
    expect([r.refused, r.acknowledged]).toEqual([true, 0]);
  });
  it("counts: errors and warnings not acknowledged or allowed, acknowledged, allowed", () => {
    const bump = helmUpdate((a) => ((a.version = "2026.5.6"), (a.values = ["# note\n" + LIVE_VALUES])));
    const r = runPolicy(planOf(bump, rc("kubernetes_secret", "tls", ["delete"]), rc("kubernetes_namespace", "ns", ["delete"])), facts({ running: running("2026.2.2"), targetAppVersion: "2026.5.6" }), {
      allowDestroy: new Map([["kubernetes_secret.tls", "rotating it, the new one is ready"]]),
    });
    expect(r.findings.map((f) => f.id).sort()).toEqual(["PL001", "PL001", "PL004"]);
    expect([r.errors, r.warnings, r.acknowledged, r.allowed, r.refused]).toEqual([1, 1, 0, 1, true]);
    const acked = runPolicy(planOf(bump), facts({ running: running("2026.2.2"), targetAppVersion: "2026.5.6" }), { acks: [{ id: "PL004", reason: "rehearsed in the box first" }] });
    expect([acked.errors, acked.warnings, acked.acknowledged, acked.refused]).toEqual([0, 0, 1, false]);
  });
  it("an allowance counts as used only by a destroy (PL001) of its address", () => {
    const r = runPolicy(planOf(helmUpdate(setValues("# a note\n" + LIVE_VALUES))), facts(), { allowDestroy: new Map([[A, "uninstalling on purpose, see ticket"]]) });
    expect(r.findings.map((f) => f.id)).toEqual(["PL002"]);
    expect(r.unusedAllowances).toEqual([A]);
  });
  it("a reason needs ten characters after trimming, whether given as --ack, parsed, or --allow-destroy", () => {
    expect(() => runPolicy(planOf(), facts(), { acks: [{ id: "PL002", reason: "   123456789   " }] })).toThrow(/--ack PL002: a written reason is required \(at least 10 characters\)/);
    expect(() => runPolicy(planOf(), facts(), { acks: [{ id: "PL002", reason: 1234567890 as unknown as string }] })).toThrow(/written reason/);
    expect(() => runPolicy(planOf(), facts(), { acks: [{ id: "PL002", reason: "1234567890" }] })).not.toThrow();
    expect(() => parseReasoned("ack", "PL004=   123456789   ")).toThrow(/written reason/);
    expect(parseReasoned("ack", "PL004= 1234567890 ")).toEqual({ key: "PL004", reason: "1234567890" });
    expect(() => runPolicy(planOf(), facts(), { allowDestroy: new Map([["kubernetes_secret.tls", "  123456789  "]]) })).toThrow(/--allow-destroy kubernetes_secret\.tls: a written reason/);
    expect(() => runPolicy(planOf(), facts(), { allowDestroy: new Map([["kubernetes_secret.tls", "1234567890"]]) })).not.toThrow();
  });
  it("parseReasoned: a value without '=' has no reason, whatever its length; the usage names ID or ADDRESS", () => {
    expect(() => parseReasoned("allow-destroy", "kubernetes_secret_v1.tls_certificate")).toThrow(/--allow-destroy kubernetes_secret_v1\.tls_certificate: a written reason is required/);
    expect(() => parseReasoned("ack", "=a long enough reason")).toThrow(/expected --ack ID=<reason>/);
    expect(() => parseReasoned("allow-destroy", "=a long enough reason")).toThrow(/expected --allow-destroy ADDRESS=<reason>/);
  });
  it("a refusal that can't be acknowledged says which can; only PL001 points at --allow-destroy", () => {
    expect(() => runPolicy(planOf(), facts(), { acks: [{ id: "PL003", reason: "a long enough reason" }] })).toThrow(/^--ack PL003: PL003 \(no-image-downgrade\) refusals can't be acknowledged; acknowledgeable: PL002, PL004$/);
  });
  it("--allow-destroy takes terraform addresses only", () => {
    const allow = (a: string) => () => runPolicy(planOf(), facts(), { allowDestroy: new Map([[a, "a long enough reason"]]) });
    for (const a of ["kubernetes_secret.tls", "kubernetes_secret.tls[0]", 'kubernetes_secret.tls["a b"]', "kubernetes_secret.tls[10]", "module.m[1].helm_release.authentik", 'module.m["k8s"].helm_release.authentik', "module.a.module.b.authentik_group.Admins-2"]) expect(allow(a)).not.toThrow();
    for (const a of ["kubernetes_secret", " kubernetes_secret.tls", "x kubernetes_secret.tls", "kubernetes_secret.tls x", "kubernetes_secret.tls[]", "kubernetes_secret.tls[0]]", "Kubernetes_secret.tls", "module..x.y", "kubernetes_secret.tls[0]x"]) {
      expect(allow(a)).toThrow(/not a resource address/);
    }
  });
  it("formatPolicyFinding: id, severity, the message without its closing period, the fix", () => {
    expect(formatPolicyFinding({ id: "PL001", severity: "error", address: "kubernetes_secret.tls", message: "kubernetes_secret.tls would be destroyed. A Secret holds keys.", fix: "Restore it." })).toBe("PL001 error kubernetes_secret.tls would be destroyed. A Secret holds keys. Fix: Restore it.");
    expect(formatPolicyFinding({ id: "PL004", severity: "warning", address: A, message: "no period", fix: "Pin it.", acknowledged: { reason: "rehearsed" } })).toBe("PL004 warning no period. Fix: Pin it. [acknowledged: rehearsed]");
  });
});

describe("plan readers", () => {
  it("changeKind follows terraform's action combinations", () => {
    const k = (a: string[]) => changeKind(rc("x", "y", a) as any);
    expect([k(["no-op"]), k(["create"]), k(["update"]), k(["delete"]), k(["delete", "create"]), k(["create", "delete"]), k(["read"]), k(["forget"]), k(["create", "forget"]), k(["update", "delete"])]).toEqual(["no-op", "create", "update", "delete", "replace", "replace", "read", "forget", "replace", undefined]);
  });
  it("releaseValues merges the values list key by key, then `set`", () => {
    expect(releaseValues({ values: ["a: {b: 1, c: 2}\nl: [1]", "a: {b: 3}\nl: [2]", ""], set: [{ name: "a.d\\.e", value: "4" }] })).toEqual({ a: { b: 3, c: 2, "d.e": "4" }, l: [2] });
  });
  it("image tags and versions", () => {
    expect(["ghcr.io/goauthentik/server:2026.2.2", "localhost:5000/server:2026.5.6@sha256:ab", "server", "ghcr.io/goauthentik/server@sha256:ab"].map(imageTag)).toEqual(["2026.2.2", "2026.5.6", undefined, undefined]);
    expect(parseVersion("latest")).toBeUndefined();
    const cmp = (a: string, b: string) => Math.sign(compareVersions(parseVersion(a)!, parseVersion(b)!));
    expect([cmp("2026.2.2", "2026.10.0"), cmp("2026.5.6", "2026.5.6"), cmp("v2026.5.0", "2026.5.0-rc2"), cmp("2026.5.0-rc2", "2026.5.0-rc10"), cmp("2027.1", "2026.12.9")]).toEqual([-1, 0, 1, -1, 1]);
  });
  it("changedAttributes: known top-level attributes that differ; unset and empty are equal", () => {
    const ch = (before: any, after: any, after_unknown: any = {}) => changedAttributes({ change: { actions: ["update"], before, after, after_unknown } } as any);
    expect(ch({ a: 1, b: [1], c: "x", keep: { k: 1 } }, { a: 2, b: [2], c: "y", keep: { k: 1 } })).toEqual(["a", "b", "c"]);
    expect(ch({ a: null, b: "", c: [], d: {} }, { a: [], b: undefined, c: {}, d: null, e: "" })).toEqual([]);
    expect(ch({ a: null, b: "", c: [], d: {} }, { a: "x", b: [1], c: { k: 1 }, d: 0 })).toEqual(["a", "b", "c", "d"]);
    expect(ch({ a: 0, b: false }, {})).toEqual(["a", "b"]);
    expect(ch({ metadata: { v: 1 }, z: 1 }, { z: 2 }, { metadata: true })).toEqual(["z"]);
    expect(ch({ metadata: { v: 1 } }, { metadata: { v: 2 } }, { metadata: false })).toEqual(["metadata"]);
    expect(ch(null, { a: 1 })).toEqual(["a"]);
    expect(ch({ b: 1, a: 1 }, { b: 2, a: 2 })).toEqual(["a", "b"]);
    expect(changedAttributes({ change: { actions: ["delete"], before: { a: 1 }, after: null } } as any)).toEqual(["a"]);
  });
  it("releaseValues: a later document replaces what is not a map on either side", () => {
    expect(releaseValues({ values: ["a: {b: 1}", "a: [1]"] })).toEqual({ a: [1] });
    expect(releaseValues({ values: ["a: [1]", "a: {b: 1}"] })).toEqual({ a: { b: 1 } });
    expect(releaseValues({ values: ["a: 1", "a: {b: 1}"] })).toEqual({ a: { b: 1 } });
    expect(releaseValues({ values: ["a: {b: 1}", "a: null"] })).toEqual({ a: null });
    expect(releaseValues({ values: ["a: null", "a: {b: 1}"] })).toEqual({ a: { b: 1 } });
    expect(releaseValues({ values: ["a: {b: 1}", "a: 2"] })).toEqual({ a: 2 });
  });
  it("releaseValues: `set` creates the maps on its path, replacing a scalar, keeping a map", () => {
    expect(releaseValues({ values: ["a: x\nm: {k: 1}"], set: [{ name: "a.b", value: "1" }, { name: "m.j", value: "2" }, { name: "n.o.p", value: 3 }] })).toEqual({ a: { b: "1" }, m: { k: 1, j: "2" }, n: { o: { p: 3 } } });
    expect(releaseValues({ values: [], set: [null, { value: "1" }, { name: 5, value: "1" }] })).toEqual({});
    expect(releaseValues({ values: [], set: "a=1" })).toEqual({});
  });
  it("releaseValues: nothing to merge without values, empty documents are skipped, anything else is refused", () => {
    expect(releaseValues(null)).toEqual({});
    expect(releaseValues(undefined)).toEqual({});
    expect(releaseValues({})).toEqual({});
    expect(releaseValues({ values: "a: 1" })).toEqual({});
    expect(releaseValues({ values: ["", "# only a comment", "a: 1"] })).toEqual({ a: 1 });
    expect(() => releaseValues({ values: [5] })).toThrow(new ValuesParseError("values[0] is not text"));
    expect(() => releaseValues({ values: ["a: 1", "a: [1"] })).toThrow(/^values\[1\] is not YAML \(/);
    expect(() => releaseValues({ values: ["- a"] })).toThrow("values[0] is not a YAML mapping");
    expect(() => releaseValues({ values: ["just text"] })).toThrow("values[0] is not a YAML mapping");
  });
  it("valuesTextOnly: nothing is cosmetic when a side is missing", () => {
    expect(valuesTextOnly(null, { values: ["a: 1"] })).toBe(false);
    expect(valuesTextOnly({ values: ["a: 1"] }, null)).toBe(false);
    expect(valuesTextOnly(undefined, undefined)).toBe(false);
    expect(valuesTextOnly({ values: ["a: 1"], set: [{ name: "b", value: "1" }] }, { values: ["a: 1"], set: [{ name: "b", value: "2" }] })).toBe(false);
  });
  it("get reads nested values of maps only", () => {
    expect(get({ a: { b: { c: 1 } } }, "a.b.c")).toBe(1);
    expect(get({ a: "text" }, "a.length")).toBeUndefined();
    expect(get({}, "a.b.c")).toBeUndefined();
    expect(get(null, "a")).toBeUndefined();
  });
  it("targetImages: own tag over global over the appVersion; own repository over global over the chart's", () => {
    const t = (values: string, app?: string) => targetImages({ values: [values] }, app).map((x) => [x.component, x.repository, x.tag, x.tagSource, x.tagKey, x.pinned]);
    expect(t("", "2026.2.2")).toEqual([
      ["server", "ghcr.io/goauthentik/server", "2026.2.2", "the chart's appVersion", undefined, false],
      ["worker", "ghcr.io/goauthentik/server", "2026.2.2", "the chart's appVersion", undefined, false],
    ]);
    expect(t("global: {image: {repository: mirror.example.org/ak, tag: '2026.5.6'}}\nworker: {image: {repository: other.example.org/ak, tag: 2026.6}}")).toEqual([
      ["server", "mirror.example.org/ak", "2026.5.6", "values global.image.tag", "global.image.tag", true],
      ["worker", "other.example.org/ak", "2026.6", "values worker.image.tag", "worker.image.tag", true],
    ]);
    expect(t("global: {image: {tag: ''}}\nserver: {image: {tag: true, repository: ''}}")).toEqual([
      ["server", "ghcr.io/goauthentik/server", undefined, "the chart's appVersion (unknown)", undefined, false],
      ["worker", "ghcr.io/goauthentik/server", undefined, "the chart's appVersion (unknown)", undefined, false],
    ]);
  });
  it("parseVersion: a whole version tag only", () => {
    expect(parseVersion("2026.2.10")).toEqual({ nums: [2026, 2, 10], pre: undefined });
    expect(parseVersion("v2026.5")).toEqual({ nums: [2026, 5, 0], pre: undefined });
    expect(parseVersion("2026.5.0-rc.1")).toEqual({ nums: [2026, 5, 0], pre: "rc.1" });
    for (const tag of ["release-2026.2.2", "2026.2.2x", "2026.2.2 ", "2026", "x2026.2.2"]) expect([tag, parseVersion(tag)]).toEqual([tag, undefined]);
  });
  it("compareVersions: a release sorts after its pre-releases, from either side", () => {
    const cmp = (a: string, b: string) => Math.sign(compareVersions(parseVersion(a)!, parseVersion(b)!));
    expect([cmp("2026.5.0-rc2", "2026.5.0"), cmp("2026.5.0", "2026.5.0-rc2"), cmp("2026.5.0-rc1", "2026.5.0-rc1"), cmp("2026.5.1-rc1", "2026.5.0"), cmp("2026.5.0-rc10", "2026.5.0-rc2"), cmp("2026.5.0-z", "2026.5.0")]).toEqual([-1, 1, 0, 1, 1, -1]);
  });
  it("resourceClass: kubernetes types by kind (with or without _v1/_v2), authentik, helm and DNS; nothing else", () => {
    expect(resourceClass("kubernetes_config_map_v1")).toEqual({ stateful: false, why: expect.stringContaining("re-created") });
    expect(resourceClass("kubernetes_secret_v2")).toMatchObject({ stateful: true });
    expect(resourceClass("cloudflare_record")).toEqual({ stateful: false, why: expect.stringContaining("re-created") });
    expect(resourceClass("helm_release")).toMatchObject({ stateful: true });
    expect(resourceClass("authentik_group")).toMatchObject({ stateful: true });
    for (const type of ["my_kubernetes_secret", "random_password", "kubernetes_cron_job_v1", "kubernetes_secret_v3"]) expect([type, resourceClass(type)]).toEqual([type, undefined]);
  });
});
