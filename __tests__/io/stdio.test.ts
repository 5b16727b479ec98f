/**
 * io/stdio.ts through the built CLI and real pipes: a reader that closes stdout or stderr early
 * (`authentik-stack box status | head -1`) ends nothing with "internal error: write EPIPE"; the command
 * keeps its own exit code. A real write failure (a full disk, /dev/full) is one line and exit 3.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn, spawnSync } from "child_process";
import { ROOT, synthJson } from "../support/synth";

const BIN = path.join(ROOT, "bin", "authentik-stack.js");
// each case runs the CLI four times (plan-to-zero loads cdktf: seconds each on a busy machine)
jest.setTimeout(120_000);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ak-stdio-"));
const stackFile = path.join(tmp, "cdk.tf.json");
fs.writeFileSync(stackFile, JSON.stringify(synthJson()));
// a box folder of its own: `box status` reads it and says "not up", whatever box another test runs
const env = { ...process.env, AUTHENTIK_STACK_BOX_DIR: path.join(tmp, "box"), PG_CONN_STR: "" };

/** What an error or a stack trace looks like on a stream. */
const NOISE = /internal error|EPIPE|ERR_STREAM|\n\s+at \S+ \(/;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** Runs the CLI; the reading end of `close` ("stdout", "stderr", both) is closed before the CLI writes a byte. */
function runClosing(args: readonly string[], close: ReadonlyArray<"stdout" | "stderr">): Promise<Run> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"], env });
    const r: Run = { code: null, signal: null, out: "", err: "" };
    for (const name of ["stdout", "stderr"] as const) {
      if (close.includes(name)) c[name]!.destroy();
      else c[name]!.on("data", (d) => (r[name === "stdout" ? "out" : "err"] += d));
    }
    c.on("error", reject);
    c.on("close", (code, signal) => resolve({ ...r, code, signal }));
  });
}

/** The same command line with both streams read to the end: the exit code it must keep. */
function normally(args: readonly string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

// every command that prints much (help texts, check's findings, alerts' rules, box status), the JSON
// forms, and the error paths (one line on stderr, or on stdout under --json)
const COMMANDS: ReadonlyArray<readonly string[]> = [
  ["--help"],
  ["check", "--help"],
  ["deploy", "--help"],
  ["box", "--help"],
  ["check", stackFile],
  ["check", "--json", stackFile],
  ["alerts"],
  ["box", "status"],
  ["box", "status", "--json"],
  ["check", path.join(tmp, "missing.json")],
  ["check", "--json", path.join(tmp, "missing.json")],
  ["plan-to-zero"],
  ["plan-to-zero", "--json"],
  ["no-such-command"],
];

describe("a reader that closes the pipe early", () => {
  it.each(COMMANDS.map((a) => [a.join(" ").replace(stackFile, "cdk.tf.json").replace(tmp + path.sep, ""), a] as const))("%s: quiet, with the command's own exit code", async (_name, args) => {
    const full = normally(args);
    // the command printed something on the stream closed below, or the test would prove nothing
    expect(full.out.length + full.err.length).toBeGreaterThan(0);
    expect([0, 1, 2, 3]).toContain(full.code);

    const outClosed = await runClosing(args, ["stdout"]);
    expect({ code: outClosed.code, signal: outClosed.signal }).toEqual({ code: full.code, signal: null });
    expect(outClosed.err).not.toMatch(NOISE);
    expect(outClosed.err).toBe(full.err);

    const errClosed = await runClosing(args, ["stderr"]);
    expect({ code: errClosed.code, signal: errClosed.signal }).toEqual({ code: full.code, signal: null });
    expect(errClosed.out).toBe(full.out);

    const bothClosed = await runClosing(args, ["stdout", "stderr"]);
    expect({ code: bothClosed.code, signal: bothClosed.signal }).toEqual({ code: full.code, signal: null });
  });

  it("`... | head -1` in a shell: the first line, nothing on stderr, the command's exit code", () => {
    const cases: Array<[string, number]> = [
      [`"${process.execPath}" "${BIN}" box status`, 1],
      [`"${process.execPath}" "${BIN}" check "${stackFile}"`, 0],
      [`"${process.execPath}" "${BIN}" alerts`, 0],
      [`for i in 1 2 3 4 5; do "${process.execPath}" "${BIN}" --help || exit $?; done`, 0],
    ];
    for (const [cmd, code] of cases) {
      const r = spawnSync("bash", ["-c", `${cmd} | head -1; exit \${PIPESTATUS[0]}`], { encoding: "utf8", env });
      expect({ cmd, code: r.status, err: r.stderr }).toEqual({ cmd, code, err: "" });
      expect(r.stdout.split("\n").filter(Boolean)).toHaveLength(1);
    }
  });
});

describe("the authentik API stand-in's own command (authentik-api/main.ts)", () => {
  it("--help and --version with stdout closed early: exit 0, nothing on stderr", async () => {
    const entry = path.join(ROOT, "dist", "authentik-api", "main.js");
    for (const flag of ["--help", "--version"]) {
      const r = await new Promise<Run>((resolve, reject) => {
        const c = spawn(process.execPath, [entry, flag], { stdio: ["ignore", "pipe", "pipe"] });
        let err = "";
        c.stdout!.destroy();
        c.stderr!.on("data", (d) => (err += d));
        c.on("error", reject);
        c.on("close", (code, signal) => resolve({ code, signal, out: "", err }));
      });
      expect({ flag, code: r.code, err: r.err }).toEqual({ flag, code: 0, err: "" });
    }
  });
});

describe("a write that really fails", () => {
  const devFull = fs.existsSync("/dev/full") ? it : it.skip;
  devFull("stdout on a full disk (/dev/full): one line naming ENOSPC, exit 3", () => {
    const r = spawnSync("bash", ["-c", `"${process.execPath}" "${BIN}" --help > /dev/full`], { encoding: "utf8", env });
    expect(r.status).toBe(3);
    expect(r.stderr.trim().split("\n")).toEqual(["authentik-stack: could not write to stdout: ENOSPC; the output is incomplete. Fix: free space on (or fix) where the output goes"]);
  });
});

describe("deploy's confirmation when stderr's reader has gone away (`deploy 2>&1 | head`)", () => {
  /** Runs deploy's showAndAsk in a child whose stderr is a real pipe, closed first when `closeErr`. */
  function confirm(closeErr: boolean): Promise<Run> {
    const script = [
      `require(${JSON.stringify(path.join(ROOT, "dist", "io", "stdio.js"))}).guardStdio();`,
      `const { showAndAsk } = require(${JSON.stringify(path.join(ROOT, "dist", "cli", "deploy.js"))});`,
      `showAndAsk(["update: helm_release.authentik"], "Apply exactly this plan? ", async (q) => { process.stdout.write("asked: " + q + "\\n"); return true; })`,
      `  .then((yes) => process.stdout.write("approved: " + yes + "\\n"));`,
    ].join("\n");
    return new Promise((resolve, reject) => {
      const c = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "pipe"] });
      const r: Run = { code: null, signal: null, out: "", err: "" };
      c.stdout!.on("data", (d) => (r.out += d));
      if (closeErr) c.stderr!.destroy();
      else c.stderr!.on("data", (d) => (r.err += d));
      c.on("error", reject);
      c.on("close", (code, signal) => resolve({ ...r, code, signal }));
    });
  }
  it("stderr read: the summary is shown, then the question is asked", async () => {
    const r = await confirm(false);
    expect([r.code, r.err, r.out]).toEqual([0, "update: helm_release.authentik\n", "asked: Apply exactly this plan? \napproved: true\n"]);
  });
  it("stderr closed: the summary could not be shown, so nothing is asked and nothing is approved", async () => {
    const r = await confirm(true);
    expect([r.code, r.out]).toEqual([0, "approved: false\n"]);
  });
});
