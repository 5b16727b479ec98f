/**
 * The deploy engine with real Terraform and the real providers, against the reference state (offline:
 * see plan-to-zero.test.ts): the steps in order, the private plan file, the policy stopping a plan before
 * anything is applied, a declined confirmation, and applying exactly the saved plan. Facts come from the
 * real gathering code: kubectl against the offline kubeconfig (a closed port: the cluster is unreadable)
 * and the chart index through the loopback HTTPS proxy. A full deploy with apply and verify-upgrade
 * against a real cluster: __tests__/e2e.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deploy, DeployOptions } from "../../engine/deploy";
import { DeepPartial, StackConfig, loadConfig } from "../../config";
import { TerraformError } from "../../engine/plan";
import { ROOT, withoutIdentity } from "../support/synth";
import { OfflineWorld, offlineOverrides, startOfflineWorld } from "../support/offline-world";
import { buildReferenceState } from "../support/reference-state";

jest.setTimeout(600_000);

let world: OfflineWorld;
let state: string;
const LIVE_VALUES = fs.readFileSync(path.join(ROOT, "values", "authentik.yaml"), "utf8");

beforeAll(async () => {
  world = await startOfflineWorld(["2026.2.2", "2026.5.6"]);
  state = await buildReferenceState(world);
});
afterAll(async () => world && (await world.close()));

const sha = (f: string) => crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex");

/** Runs the engine the way the CLI does, in the offline world; records progress and the stack folder. */
async function run(overrides: DeepPartial<StackConfig>, o: Partial<DeployOptions> = {}) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-deploy-"));
  const progress: string[] = [];
  let stackDir = "";
  const result = deploy({
    config: loadConfig(overrides),
    overrides,
    outdir,
    env: { ...world.env, TF_VAR_kube_config_path: path.join(world.dir, "kubeconfig") },
    onProgress: (l) => progress.push(l),
    confirm: async () => {
      throw new Error("confirm must not be called");
    },
    verify: async () => [],
    prepareStackDir: (dir, json) => {
      stackDir = dir;
      // the reference state holds the deployment only; the identity layer is adopted through import
      // blocks, proven against the loopback API elsewhere (see support/reference-state.ts)
      fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(withoutIdentity(json), null, 1));
      fs.copyFileSync(state, path.join(dir, "terraform.tfstate"));
      return offlineOverrides(world, dir, json);
    },
    ...o,
  });
  return { result: await result, progress, stackDir: () => stackDir };
}

function valuesFile(text: string): DeepPartial<StackConfig> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ak-values-")), "authentik.yaml");
  fs.writeFileSync(file, text);
  return { release: { valuesFile: file } };
}

const leftoverPlans = () => fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith("authentik-stack-deploy-"));

describe("deploy engine", () => {
  it("dry run of the unchanged stack: every step in order, no changes, moves apart, the policy passes, nothing left behind", async () => {
    const before = leftoverPlans();
    const { result, progress, stackDir } = await run({}, { dryRun: true });
    expect(result.outcome).toBe("dry-run");
    expect(result.guards).toMatchObject({ errors: 0 });
    expect(result.summary!.verdict.noChanges).toBe(true);
    expect(result.summary!.verdict.moves).toHaveLength(13);
    expect(result.summary!.imports).toEqual([]);
    expect(result.policy).toMatchObject({ findings: [], refused: false });
    expect(result.timings.map((t) => t.step)).toEqual(["guards", "synth", "plan", "facts", "policy"]);
    expect(progress[0]).toMatch(/^guards/);
    expect(progress.some((l) => l.startsWith("terraform plan"))).toBe(true);
    expect(progress.some((l) => l.startsWith("policy:"))).toBe(true);
    expect(fs.existsSync(path.join(stackDir(), "plan-to-zero.tfplan"))).toBe(false);
    expect(leftoverPlans()).toEqual(before);
  });

  it("a cosmetic values edit is refused by PL002 before any confirmation; the state is untouched", async () => {
    const { result, stackDir } = await run(valuesFile("# formatting only\n" + LIVE_VALUES));
    expect(result.outcome).toBe("refused");
    // PL003 too: the release would be upgraded and the cluster (a closed port here) can't say what runs
    expect(result.policy!.findings.map((f) => `${f.id} ${f.address}`)).toEqual(["PL002 helm_release.authentik", "PL003 helm_release.authentik"]);
    expect(result.summary!.verdict.changes.map((c) => c.kind)).toEqual(["helm-values-text"]);
    expect(sha(path.join(stackDir(), "terraform.tfstate"))).toBe(sha(state));
    expect(result.timings.map((t) => t.step)).not.toContain("apply");
  });

  it("a chart bump while the cluster can't be read is refused (PL003 can't judge), with the reason and the appVersion read through the proxy", async () => {
    const { result } = await run({ release: { version: "2026.5.6" } });
    expect(result.outcome).toBe("refused");
    const pl3 = result.policy!.findings.filter((f) => f.id === "PL003");
    expect(pl3).toHaveLength(1);
    expect(pl3[0].message).toMatch(/can't tell whether this update runs an older authentik image .*kubectl get deployments -n authentik: /);
    expect(pl3[0].fix).toMatch(/Make the cluster readable/);
    // PL004 still names the appVersion the chart index (https://charts.goauthentik.io via the proxy) gave
    expect(result.policy!.findings.find((f) => f.id === "PL004")!.fix).toContain('Pin global.image.tag: "2026.5.6"');
    expect(world.requests.filter((r) => r === "charts GET /index.yaml").length).toBeGreaterThan(1);
  });

  it("confirmation sees a private plan file (0600 in a 0700 folder); declined, nothing is applied and the file is gone", async () => {
    let seen = "";
    const { result, stackDir } = await run(
      { catchAll: { accessTokenValidity: "weeks=2" } },
      {
        confirm: async (summary, policy, planFile) => {
          seen = planFile;
          expect(summary.verdict.changes).toEqual([expect.objectContaining({ address: "authentik_provider_proxy.catchall", kind: "update", attributes: ["access_token_validity"] })]);
          expect(policy.refused).toBe(false);
          expect(fs.statSync(planFile).mode & 0o777).toBe(0o600);
          expect(fs.statSync(path.dirname(planFile)).mode & 0o777).toBe(0o700);
          return false;
        },
      },
    );
    expect(result.outcome).toBe("declined");
    expect(seen).not.toBe("");
    expect(fs.existsSync(path.dirname(seen))).toBe(false);
    expect(sha(path.join(stackDir(), "terraform.tfstate"))).toBe(sha(state));
  });

  it("confirmed, it applies exactly the saved plan (here the schema stand-in provider refuses to apply, so terraform's apply error is what comes back)", async () => {
    let planFile = "";
    const err = await run({ catchAll: { accessTokenValidity: "weeks=2" } }, { confirm: async (_s, _p, f) => ((planFile = f), true) }).catch((e) => e);
    expect(err).toBeInstanceOf(TerraformError);
    expect((err as TerraformError).step).toBe("apply");
    expect(fs.existsSync(planFile)).toBe(false);
  });
});
