/**
 * terraform validate of the synthesized stack with the five real providers at exactly the pinned
 * versions (the offline mirror built from the release-tag archives, or the registry without ../shared).
 */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { synthToDir, clone } from "../support/synth";
import { pinnedProviders, prepareWorkdir, startOfflineWorld, OfflineWorld } from "../support/offline-world";

jest.setTimeout(300_000);
let world: OfflineWorld;
beforeAll(async () => (world = await startOfflineWorld()));
afterAll(async () => world && (await world.close()));

function init(stackJson: unknown, name: string): string {
  const { dir } = prepareWorkdir(world, stackJson, name);
  const r = spawnSync("terraform", ["init", "-backend=false", "-input=false", "-no-color"], { cwd: dir, env: world.env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`terraform init failed: ${r.stderr}`);
  return dir;
}
function validate(stackJson: unknown, name: string) {
  const v = spawnSync("terraform", ["validate", "-json", "-no-color"], { cwd: init(stackJson, name), env: world.env, encoding: "utf8" });
  return JSON.parse(v.stdout);
}

const stackDir = synthToDir();
const stack = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));

describe("terraform validate", () => {
  it("terraform selects exactly the pinned provider versions, for every provider the stack requires", () => {
    const dir = init(stack, "selections");
    const selected = JSON.parse(spawnSync("terraform", ["version", "-json"], { cwd: dir, env: world.env, encoding: "utf8" }).stdout).provider_selections;
    const bySource = Object.fromEntries(Object.entries(selected as Record<string, string>).map(([k, v]) => [k.replace(/^registry\.(terraform\.io|opentofu\.org)\//, ""), v]));
    expect(bySource).toEqual({
      "hashicorp/kubernetes": "2.38.0",
      "hashicorp/helm": "3.1.1",
      "hashicorp/vault": "4.8.0",
      "cloudflare/cloudflare": "4.52.8",
      "goauthentik/authentik": "2026.2.1",
    });
    expect(Object.keys(pinnedProviders()).sort()).toEqual(Object.keys(stack.terraform.required_providers).sort());
  });
  it("the synthesized stack is valid", () => {
    const r = validate(stack, "valid");
    expect(r.diagnostics.filter((d: any) => d.severity === "error")).toEqual([]);
    expect(r.valid).toBe(true);
  });
  it.each(["2026.2.3", "2026.5.6", "2026.8.0"])("a chart bump to %s synthesizes (guards included) and validates", (version) => {
    const bumped = JSON.parse(fs.readFileSync(path.join(synthToDir({ release: { version } }), "cdk.tf.json"), "utf8"));
    expect(bumped.resource.helm_release.authentik.version).toBe(version);
    const r = validate(bumped, `chart-${version}`);
    expect(r.diagnostics.filter((d: any) => d.severity === "error")).toEqual([]);
    expect(r.valid).toBe(true);
  });
  it("fails on an ignore_changes entry naming an attribute the provider does not know", () => {
    const s = clone(stack);
    s.resource.authentik_provider_proxy.catchall.lifecycle.ignore_changes.push("refresh_token_validity_removed");
    const r = validate(s, "bad-ignore");
    expect(r.valid).toBe(false);
    expect(JSON.stringify(r.diagnostics)).toContain("refresh_token_validity_removed");
  });
  it("fails on an attribute the real kubernetes provider does not know", () => {
    const s = clone(stack);
    s.resource.kubernetes_namespace.authentik.metadata.colour = "blue";
    const r = validate(s, "bad-attr");
    expect(r.valid).toBe(false);
    expect(r.diagnostics.filter((d: any) => d.severity === "error").map((d: any) => d.summary)).toEqual(["Extraneous JSON object property"]);
  });
});
