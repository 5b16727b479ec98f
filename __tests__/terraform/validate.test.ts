/**
 * terraform validate of the synthesized stack against the providers in the offline mirror: real
 * kubernetes, helm and vault builds, schema stand-ins for goauthentik and cloudflare v4 (README).
 */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { synthToDir, clone } from "../support/synth";
import { mirrorProviders, prepareWorkdir, startOfflineWorld, OfflineWorld } from "../support/offline-world";

jest.setTimeout(300_000);
let world: OfflineWorld;
beforeAll(async () => (world = await startOfflineWorld()));
afterAll(async () => world && (await world.close()));

function validate(stackJson: unknown, name: string) {
  const { dir } = prepareWorkdir(world, stackJson, name);
  const init = spawnSync("terraform", ["init", "-backend=false", "-input=false", "-no-color"], { cwd: dir, env: world.env, encoding: "utf8" });
  if (init.status !== 0) throw new Error(`terraform init failed: ${init.stderr}`);
  const v = spawnSync("terraform", ["validate", "-json", "-no-color"], { cwd: dir, env: world.env, encoding: "utf8" });
  return JSON.parse(v.stdout);
}

const stackDir = synthToDir();
const stack = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));

describe("terraform validate", () => {
  it("the mirror holds every provider the stack requires", () => {
    expect(mirrorProviders().map((p) => p.type).sort()).toEqual(Object.keys(stack.terraform.required_providers).sort());
  });
  it("the synthesized stack is valid", () => {
    const r = validate(stack, "valid");
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
