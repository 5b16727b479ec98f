/**
 * app.ts: synthesis is atomic (a failed synth, whether a guard error or a failing write, leaves the previous
 * cdk.tf.json and manifest intact and no staging folder behind), guard findings reach the manifest as cdktf
 * annotations, and the app entry refuses `cdktf diff`/`deploy` without PG_CONN_STR or a Vault token.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { buildApp } from "../app";
import { ROOT } from "./support/stack-json";

jest.setTimeout(120_000);

const stackFile = (out: string) => path.join(out, "stacks", "authentik", "cdk.tf.json");
const leftovers = (out: string) => fs.readdirSync(out).filter((f) => f.startsWith(".synth-"));

describe("atomic synth", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "ak-atomic-"));
  let good: string;
  let goodManifest: string;
  beforeAll(() => {
    buildApp(out, {}).app.synth();
    good = fs.readFileSync(stackFile(out), "utf8");
    goodManifest = fs.readFileSync(path.join(out, "manifest.json"), "utf8");
  });

  it("publishes cdk.tf.json and the manifest, and leaves no staging folder", () => {
    expect(JSON.parse(good).resource.authentik_outpost.embedded).toBeDefined();
    expect(leftovers(out)).toEqual([]);
  });

  it("a write that fails mid-synth (a full disk) leaves the previous output intact", () => {
    const { app } = buildApp(out, { catchAll: { accessTokenValidity: "weeks=2" } });
    // the fs module object cdktf writes through (the TS namespace import is a frozen view of it)
    const nodeFs = require("fs") as { writeFileSync: typeof fs.writeFileSync };
    const real = nodeFs.writeFileSync;
    nodeFs.writeFileSync = ((file: fs.PathOrFileDescriptor, data: any, opts?: any) => {
      if (String(file).endsWith("cdk.tf.json")) {
        real(file, String(data).slice(0, 100)); // a truncated write, then the error a full disk gives
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      }
      return real(file, data, opts);
    }) as typeof fs.writeFileSync;
    try {
      expect(() => app.synth()).toThrow(/ENOSPC/);
    } finally {
      nodeFs.writeFileSync = real;
    }
    expect(fs.readFileSync(stackFile(out), "utf8")).toBe(good);
    expect(fs.readFileSync(path.join(out, "manifest.json"), "utf8")).toBe(goodManifest);
    expect(leftovers(out)).toEqual([]);
  });

  it("a guard error fails the synth and leaves the previous output intact", () => {
    const values = fs.readFileSync(path.join(ROOT, "values", "authentik.yaml"), "utf8").replace(/(worker:\n  replicas: 3\n  env:\n    - name: AUTHENTIK_SESSIONS__UNAUTHENTICATED_AGE\n      value: )hours=2/, "$1days=1");
    const file = path.join(out, "..", `${path.basename(out)}-values.yaml`);
    fs.writeFileSync(file, values);
    const { app } = buildApp(out, { release: { valuesFile: file } });
    expect(() => app.synth()).toThrow(/Encountered Annotations with level "ERROR"[\s\S]*AK008 error/);
    expect(fs.readFileSync(stackFile(out), "utf8")).toBe(good);
    expect(leftovers(out)).toEqual([]);
  });

  it("a changed config replaces the output as a whole", () => {
    buildApp(out, { catchAll: { accessTokenValidity: "weeks=2" } }).app.synth();
    expect(JSON.parse(fs.readFileSync(stackFile(out), "utf8")).resource.authentik_provider_proxy.catchall.access_token_validity).toBe("weeks=2");
    buildApp(out, {}).app.synth();
    expect(fs.readFileSync(stackFile(out), "utf8")).toBe(good);
  });
});

describe("guard findings as cdktf annotations", () => {
  it("the manifest lists no warning for the real stack and one INFO line for the acknowledged ones", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "ak-ann-"));
    buildApp(out, {}).app.synth();
    const annotations = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8")).stacks.authentik.annotations;
    expect(annotations.map((a: any) => a.level)).toEqual(["@cdktf/info"]);
    expect(annotations[0].message).toContain("19 acknowledged warning(s) (AK008 x17, AK010 x2)");
    expect(annotations[0].stacktrace).toBeUndefined();
  });
  it("an unacknowledged warning is a WARN annotation naming the finding", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "ak-ann-"));
    const values = fs.readFileSync(path.join(ROOT, "values", "authentik.yaml"), "utf8").replace("\nglobal:\n", "\nglobal:\n  madeUpKey: true\n");
    const file = path.join(out, "values.yaml");
    fs.writeFileSync(file, values);
    buildApp(out, { release: { valuesFile: file } }).app.synth();
    const annotations = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8")).stacks.authentik.annotations;
    expect(annotations.filter((a: any) => a.level === "@cdktf/warn").map((a: any) => a.message)).toEqual([expect.stringContaining("AK008 warning helm_release.authentik.values.global.madeUpKey")]);
  });
});

describe("cdktf diff/deploy preflight in the app entry", () => {
  /** Runs bin/synth.js --app-only as a child of a process whose command line reads `cdktf <cmd>`. */
  const asChildOf = (cmd: string, env: NodeJS.ProcessEnv) => {
    const script = `const r = require("child_process").spawnSync(process.execPath, [${JSON.stringify(path.join(ROOT, "bin", "synth.js"))}, "--app-only"], { encoding: "utf8", cwd: ${JSON.stringify(fs.mkdtempSync(path.join(os.tmpdir(), "ak-pre-")))} }); process.stderr.write(r.stderr); process.exit(r.status);`;
    return spawnSync(process.execPath, ["-e", script, "cdktf", cmd], { encoding: "utf8", env });
  };
  const bare = { PATH: process.env.PATH, HOME: fs.mkdtempSync(path.join(os.tmpdir(), "ak-home-")) };

  it.each(["deploy", "diff"])("cdktf %s without PG_CONN_STR or a Vault token: exit 3, says what to set, writes nothing", (cmd) => {
    const r = asChildOf(cmd, bare);
    expect(r.status).toBe(3);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`cdktf ${cmd} needs PG_CONN_STR`);
    expect(r.stderr).toContain("vault login");
  });
  it("names only what is missing", () => {
    const r = asChildOf("deploy", { ...bare, PG_CONN_STR: "postgres://127.0.0.1/x" });
    expect(r.status).toBe(3);
    expect(r.stderr).not.toContain("PG_CONN_STR");
    expect(r.stderr).toContain("a Vault token");
  });
  it("goes ahead with both set, and for cdktf synth without them", () => {
    expect(asChildOf("deploy", { ...bare, PG_CONN_STR: "postgres://127.0.0.1/x", VAULT_TOKEN: "test" }).status).toBe(0);
    expect(asChildOf("synth", bare).status).toBe(0);
  });
});
