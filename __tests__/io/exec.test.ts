/** io/exec: deadlines kill the whole process group (real processes, real signals), no orphans. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ExecError, run, runChecked, runningGroups } from "../../io/exec";
import { EnvironmentError } from "../../lib/errors";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ak-exec-"));

/** Alive = exists and is not a zombie (a container's PID 1 may not reap the orphans we kill). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}

const pidsIn = (f: string) => fs.readFileSync(f, "utf8").trim().split(/\s+/).map(Number);

describe("run", () => {
  it("returns exit code and output of a command that finishes in time", async () => {
    const r = await run("sh", ["-c", "echo out; echo err >&2; exit 3"], { timeoutMs: 5000 });
    expect(r).toMatchObject({ code: 3, stdout: "out\n", stderr: "err\n", signal: null });
  });

  it("on the deadline kills the command and its grandchildren, and says so in one line", async () => {
    const pidfile = path.join(tmp, "grandchildren");
    // two grandchildren (one in a subshell), the shell waits on them forever
    const started = Date.now();
    const p = run("sh", ["-c", `sleep 300 & a=$!; (sleep 300 & echo $! > ${pidfile}.2; wait) & echo "$a" > ${pidfile}; wait`], { timeoutMs: 700, graceMs: 200 });
    await expect(p).rejects.toThrow(ExecError);
    const e = await p.catch((x) => x);
    expect(e.reason).toBe("timeout");
    expect(e).toBeInstanceOf(EnvironmentError);
    expect(e.message).toBe("sh did not finish within 0.7s; stopped it and every process it started");
    expect(Date.now() - started).toBeLessThan(3000);
    const pids = [...pidsIn(pidfile), ...pidsIn(`${pidfile}.2`)];
    expect(pids).toHaveLength(2);
    expect(await waitFor(() => pids.every((x) => !alive(x)))).toBe(true);
    expect(runningGroups()).toEqual([]);
  });

  it("kills a grandchild that ignores SIGTERM after the grace period (SIGKILL)", async () => {
    const pidfile = path.join(tmp, "stubborn");
    const p = run("sh", ["-c", `sh -c 'trap "" TERM; echo $$ > ${pidfile}; while :; do sleep 0.1; done' & wait`], { timeoutMs: 500, graceMs: 300 });
    await expect(p).rejects.toMatchObject({ reason: "timeout" });
    const [pid] = pidsIn(pidfile);
    expect(await waitFor(() => !alive(pid))).toBe(true);
  });

  it("a command that exits leaving a background child holding its stdout: resolves at once, child killed", async () => {
    const pidfile = path.join(tmp, "leftover");
    const started = Date.now();
    const r = await run("sh", ["-c", `sleep 300 & echo $! > ${pidfile}; echo done`], { timeoutMs: 20000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("done\n");
    expect(Date.now() - started).toBeLessThan(5000);
    const [pid] = pidsIn(pidfile);
    expect(await waitFor(() => !alive(pid))).toBe(true);
  });

  it("a missing binary is ExecError not-found, one line", async () => {
    await expect(run("/nonexistent/terraform", ["version"], { timeoutMs: 1000 })).rejects.toMatchObject({
      reason: "not-found",
      message: "terraform: '/nonexistent/terraform' not found (not installed, or not on PATH)",
    });
  });

  it("refuses to run without a finite deadline", async () => {
    await expect(run("true", [], { timeoutMs: Infinity })).rejects.toThrow(/timeoutMs must be a finite positive number/);
    await expect(run("true", [], { timeoutMs: 0 })).rejects.toThrow(/timeoutMs/);
  });

  it("stops a command whose output exceeds the cap", async () => {
    await expect(run("sh", ["-c", "yes"], { timeoutMs: 10000, maxOutputBytes: 100_000, graceMs: 100 })).rejects.toMatchObject({ reason: "too-much-output" });
  });

  it("feeds stdin and reports progress while it runs", async () => {
    const ticks: number[] = [];
    const r = await run("sh", ["-c", "sleep 0.35; cat"], { timeoutMs: 5000, input: "hello", onProgress: (s) => ticks.push(s), progressEveryMs: 100 });
    expect(r.stdout).toBe("hello");
    expect(ticks.length).toBeGreaterThanOrEqual(2);
  });

  it("runChecked turns a non-zero exit into a one-line ExecError with the first output line", async () => {
    await expect(runChecked("sh", ["-c", "echo 'Error: backend unreachable' >&2; echo more >&2; exit 1"], { timeoutMs: 5000, label: "terraform plan" })).rejects.toMatchObject({
      reason: "exit-status",
      message: "terraform plan exited 1: Error: backend unreachable",
    });
  });
});
