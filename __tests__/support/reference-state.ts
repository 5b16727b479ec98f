/**
 * The reference state the offline plans run against: scripts/reference-state.py turns the reference
 * (live-stack.yaml) into a plain Terraform config, real providers plan its creation (filling their
 * defaults), and that plan becomes a state at the reference's own addresses. No CDKTF code involved.
 * With `authentikDir` (a world started with referenceAuthentikSeed(authentikDir)), the goauthentik
 * resources' entries are instead what the real goauthentik provider imports from the loopback API.
 */
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { planStack } from "../../engine/plan";
import { ROOT, withoutIdentity } from "./synth";
import { StackJson } from "../../guards/types";
import { OfflineWorld, prepareWorkdir, TEST_SECRETS } from "./offline-world";
import { importReference } from "./reference-authentik";

export const REFERENCE = path.join(ROOT, "__tests__", "fixtures", "reference", "live-stack.yaml");

/** Builds the reference state in the world's folder; returns the path of its terraform.tfstate. */
export async function buildReferenceState(world: OfflineWorld, opts: { authentikDir?: string } = {}): Promise<string> {
  const refDir = path.join(world.dir, "reference");
  fs.mkdirSync(refDir);
  execFileSync("python3", [path.join(ROOT, "scripts", "reference-state.py"), "config", REFERENCE, path.join(ROOT, "values", "authentik.yaml"), refDir]);
  const { dir, planArgs } = prepareWorkdir(world, JSON.parse(fs.readFileSync(path.join(refDir, "reference.tf.json"), "utf8")), "reference-plan", "reference.tf.json");
  fs.copyFileSync(path.join(refDir, "addresses.json"), path.join(dir, "addresses.json"));
  const { plan } = await planStack({ dir, env: world.env, planArgs });
  fs.writeFileSync(path.join(dir, "plan.json"), JSON.stringify(plan));
  const schemas = execFileSync("terraform", ["providers", "schema", "-json"], { cwd: dir, env: world.env, maxBuffer: 256 * 1024 * 1024 });
  fs.writeFileSync(path.join(dir, "schemas.json"), schemas);
  execFileSync("python3", [path.join(ROOT, "scripts", "reference-state.py"), "state", REFERENCE, dir, path.join(dir, "plan.json"), path.join(dir, "schemas.json")]);
  const state = path.join(dir, "terraform.tfstate");
  if (opts.authentikDir) {
    const imported = await importReference(world.authentikUrl, TEST_SECRETS.authentik.tf_api_token, opts.authentikDir);
    const s = JSON.parse(fs.readFileSync(state, "utf8"));
    s.resources = [...s.resources.filter((r: any) => !(r.mode === "managed" && r.type.startsWith("authentik_"))), ...imported.resources];
    fs.writeFileSync(state, JSON.stringify(s, null, 1));
  }
  return state;
}

/**
 * Plans `stackJson` against the reference state in a fresh directory, with the real providers. The
 * reference is today's Terraform state, which holds the deployment only: the identity layer's live objects
 * enter the state through import blocks (adoption/identity.json), proven by the identity adoption test
 * against the loopback API; they are left out here.
 */
export async function planAgainstReference(world: OfflineWorld, state: string, stackJson: StackJson, name: string) {
  const { dir, planArgs } = prepareWorkdir(world, withoutIdentity(stackJson), name);
  fs.copyFileSync(state, path.join(dir, "terraform.tfstate"));
  return planStack({ dir, env: world.env, planArgs });
}
