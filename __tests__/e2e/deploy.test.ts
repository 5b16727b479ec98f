/**
 * `authentik-stack deploy` in the rehearsal box, as an operator runs it: the first deploy against a fresh
 * authentik is refused (PL005: adopting its embedded outpost and default login stage would also change
 * them), `--import-only` adopts them unchanged, then a clean deploy passes the policy, applies and
 * verifies; then each rule blocks a change made the way an operator makes it (an edited values file, an
 * image updater's out-of-band bump followed by a values change, a renamed release in the config override,
 * a chart bump), nothing is applied (the Helm release keeps its revision, plan-to-zero still says No
 * changes), and the message says what to do. Steps share one box and one state, in order.
 * Not here (no operator-level way to make it through this stack's config; covered on real terraform
 * plans in plan-to-zero/policy-real-plans.test.ts and __tests__/policy): PL006 unknown types.
 */
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_CONFIG, deriveNames } from "../../config";
import { ROOT } from "../support/synth";
import { boxEnv, cli, evalExports, planToZero, rehearsalPrerequisites, run, Run } from "../support/box";

jest.setTimeout(1800000);

// Without the real providers and chart packages the rehearsal can't run: reported as skipped (not
// passed), with the reason, as the box's own rehearsal does.
const missing = rehearsalPrerequisites();
if (missing.length) process.stderr.write(`deploy rehearsal skipped: ${missing.join("; ")}\n`);
const describeIf = missing.length ? describe.skip : describe;

const c = DEFAULT_CONFIG;
const n = deriveNames(c);
const BUMP = "2026.5.6";
const base = boxEnv();
let env: NodeJS.ProcessEnv = {};
let up: Run;
let boxConfig: any = {};
const LIVE_VALUES = fs.readFileSync(path.join(ROOT, c.release.valuesFile), "utf8");

beforeAll(() => {
  if (missing.length) return;
  up = cli(["box", "up", "--chart", c.release.version, "--chart", BUMP], base, 900000);
  if (up.code !== 0) return;
  env = evalExports(up.out, base);
  boxConfig = JSON.parse(fs.readFileSync(env.AUTHENTIK_STACK_CONFIG!, "utf8"));
});
afterAll(() => {
  if (!missing.length) cli(["box", "down"], base);
});

/** The operator's override file: the box's own settings plus `extra`. */
function setConfig(extra: any): void {
  const file = path.join(base.AUTHENTIK_STACK_BOX_DIR!, "deploy-test-config.json");
  fs.writeFileSync(file, JSON.stringify({ ...boxConfig, ...extra, release: { ...(boxConfig.release ?? {}), ...(extra.release ?? {}) } }));
  env = { ...env, AUTHENTIK_STACK_CONFIG: file };
}
/** An edited copy of the values file, referenced from the override file. */
function editValues(name: string, text: string): void {
  const file = path.join(base.AUTHENTIK_STACK_BOX_DIR!, name);
  fs.writeFileSync(file, text);
  setConfig({ release: { valuesFile: file } });
}

function deploy(args: string[]): { code: number | null; report: any; err: string } {
  const r = cli(["deploy", "--json", ...args], env, 1200000);
  let report: any;
  try {
    report = JSON.parse(r.out);
  } catch {
    report = { result: "unparsable", out: r.out.slice(0, 2000) };
  }
  return { code: r.code, report, err: r.err };
}
const kubectl = (args: string[]) => run("kubectl", ["-n", c.namespace, ...args], env, { timeoutMs: 60000 });
/** The Helm release's revisions (Helm's release Secrets): a refused deploy adds none. */
const revisions = () => JSON.parse(kubectl(["get", "secrets", "-l", `owner=helm,name=${c.release.name}`, "-o", "json"]).out).items.length;
const findings = (report: any) => (report.policy?.findings ?? []).map((f: any) => `${f.id} ${f.severity} ${f.address}`);

function refusedAndNothingApplied(args: string[], before: number) {
  const d = deploy(["--auto-approve", ...args]);
  expect(d.report.result).toBe("refused");
  expect(d.code).toBe(1);
  expect(d.report.timings.map((t: any) => t.step)).not.toContain("apply");
  expect(revisions()).toBe(before);
  return d;
}

describeIf("deploy in the box", () => {
  it("box up", () => {
    expect(up.code).toBe(0);
  });

  it("a fresh authentik's outpost and login stage differ from the config: the first deploy is refused (PL005), nothing applied", () => {
    const d = deploy(["--auto-approve"]);
    expect([d.report.result, d.code]).toEqual(["refused", 1]);
    // exactly the two objects every fresh authentik holds, each an import that would also change it
    expect(findings(d.report).sort()).toEqual(["PL005 error authentik_outpost.embedded", "PL005 error authentik_stage_user_login.default_login"]);
    for (const f of d.report.policy.findings) expect(f.fix).toContain("deploy --import-only");
    expect(d.report.timings.map((t: any) => t.step)).not.toContain("apply");
    expect(revisions()).toBe(0);
    expect(kubectl(["get", "deployments", "-o", "name"]).out.trim()).toBe("");
  });

  it("--import-only adopts them unchanged: the state holds them, nothing live changed", () => {
    const api = (p: string) => JSON.parse(run("curl", ["-sS", "-H", `Authorization: Bearer ${env.AUTHENTIK_TOKEN}`, `${env.AUTHENTIK_URL}/api/v3${p}`], env).out);
    const before = api(`/outposts/instances/${c.outpost.uuid}/`);
    const d = deploy(["--import-only", "--auto-approve"]);
    expect([d.report.result, d.code]).toEqual(["imported", 0]);
    expect(d.report.summary.imports.map((i: any) => i.address).sort()).toEqual(["authentik_outpost.embedded", "authentik_stage_user_login.default_login"]);
    expect(d.report.timings.map((t: any) => t.step)).toEqual(["guards", "synth", "plan", "import"]);
    const state = run("terraform", ["state", "list"], env, { cwd: path.join(ROOT, "cdktf.out", "stacks", "authentik") }).out.split("\n").filter((a) => a && !a.startsWith("data.")).sort();
    expect(state).toEqual(["authentik_outpost.embedded", "authentik_stage_user_login.default_login"]);
    expect(api(`/outposts/instances/${c.outpost.uuid}/`)).toEqual(before);
    expect(revisions()).toBe(0);
    // again: nothing left to import
    const again = deploy(["--import-only", "--auto-approve"]);
    expect([again.report.result, again.code]).toEqual(["nothing-to-import", 0]);
  });

  it("a clean deploy: the policy passes, the plan is applied, verify-upgrade passes all seven steps", () => {
    const d = deploy(["--auto-approve"]);
    expect((d.report.verify ?? []).filter((s: any) => s.verdict !== "PASS").map((s: any) => `${s.step} ${s.verdict}: ${s.evidence}`)).toEqual([]);
    expect(d.report.result).toBe("applied");
    expect(d.code).toBe(0);
    expect(d.report.policy).toMatchObject({ refused: false, errors: 0 });
    expect(d.report.summary.imports).toEqual([]);
    expect(d.report.summary.verdict.changes.filter((c: any) => c.kind === "create").length).toBeGreaterThan(10);
    // the adopted objects are now changed to the config, as updates the policy judged
    expect(d.report.summary.verdict.changes.filter((c: any) => c.kind === "update").map((c: any) => c.address).sort()).toEqual(["authentik_outpost.embedded", "authentik_stage_user_login.default_login"]);
    expect(d.report.summary.verdict.changes.filter((c: any) => c.kind === "delete" || c.kind === "replace")).toEqual([]);
    expect(d.report.verify.map((s: any) => `${s.step} ${s.verdict}`)).toEqual(["1 PASS", "2 PASS", "3 PASS", "4 PASS", "5 PASS", "6 PASS", "7 PASS"]);
    expect(d.report.timings.map((t: any) => t.step)).toEqual(["guards", "synth", "plan", "facts", "policy", "apply", "verify"]);
    // progress for the long steps went to stderr
    expect(d.err).toMatch(/terraform apply/);
  });

  it("deployed again: no changes, nothing applied, verified", () => {
    const d = deploy(["--auto-approve"]);
    expect([d.report.result, d.code]).toEqual(["no-changes", 0]);
    expect(d.report.timings.map((t: any) => t.step)).not.toContain("apply");
  });

  it("PL002: a comment added to the values file is refused; the message says to keep the text byte-identical", () => {
    const before = revisions();
    editValues("values-comment.yaml", "# reviewed, no change\n" + LIVE_VALUES);
    const d = refusedAndNothingApplied([], before);
    expect(findings(d.report)).toEqual(["PL002 error helm_release.authentik"]);
    expect(d.report.policy.findings[0].fix).toMatch(/byte-identical/);
  });

  it("PL003: after an image updater rolled the server forward, a values change that would roll it back is refused", () => {
    const before = revisions();
    expect(kubectl(["set", "image", `deployment/${n.serverDeployment}`, `server=ghcr.io/goauthentik/server:${BUMP}`]).code).toBe(0);
    editValues("values-replicas.yaml", LIVE_VALUES.replace("server:\n  replicas: 3", "server:\n  replicas: 4"));
    const d = refusedAndNothingApplied([], before);
    expect(findings(d.report)).toContain("PL003 error helm_release.authentik");
    const f = d.report.policy.findings.find((x: any) => x.id === "PL003");
    expect(f.message).toContain(`older than ghcr.io/goauthentik/server:${BUMP} running now (deployment ${c.namespace}/${n.serverDeployment} container server)`);
    expect(f.fix).toContain(`Pin global.image.tag: "${BUMP}"`);
    // the operator's fix: pin the tag the updater rolled out; the policy then passes (dry run)
    editValues("values-replicas-pinned.yaml", LIVE_VALUES.replace("server:\n  replicas: 3", "server:\n  replicas: 4").replace(/^global:\n/m, `global:\n  image:\n    tag: "${BUMP}"\n`));
    const ok = deploy(["--dry-run"]);
    expect([ok.report.result, ok.code]).toEqual(["dry-run", 0]);
    expect(kubectl(["set", "image", `deployment/${n.serverDeployment}`, `server=ghcr.io/goauthentik/server:${c.release.version}`]).code).toBe(0);
  });

  it("PL001: renaming the release in the config override (destroy and re-create) is refused unless allowed by address", () => {
    const before = revisions();
    setConfig({ release: { name: "authentik-renamed" } });
    const d = refusedAndNothingApplied([], before);
    expect(findings(d.report)).toContain("PL001 error helm_release.authentik");
    expect(d.report.policy.findings.find((x: any) => x.id === "PL001").fix).toContain("--allow-destroy helm_release.authentik=");
    const allowed = deploy(["--dry-run", "--allow-destroy", "helm_release.authentik=rehearsing a rename in the box"]);
    expect(allowed.report.policy.findings.find((x: any) => x.id === "PL001").allowed).toEqual({ reason: "rehearsing a rename in the box" });
  });

  it("PL004: a chart bump with the image following the chart's default is warned in the report; acknowledged, it is shown with its reason", () => {
    setConfig({ release: { version: BUMP } });
    const d = deploy(["--dry-run"]);
    expect([d.report.result, d.code]).toEqual(["dry-run", 0]);
    expect(findings(d.report)).toEqual(["PL004 warning helm_release.authentik"]);
    expect(d.report.policy.findings[0].fix).toContain(`Pin global.image.tag: "${BUMP}"`);
    const acked = deploy(["--dry-run", "--ack", "PL004=rehearsed the bump in the box"]);
    expect(acked.report.policy.findings[0].acknowledged).toEqual({ reason: "rehearsed the bump in the box" });
  });

  it("after every refusal, nothing changed: plan-to-zero with the box's own config says No changes", () => {
    setConfig({});
    const p = planToZero(env);
    expect(p.result.result).toBe("no-changes");
  });
});
