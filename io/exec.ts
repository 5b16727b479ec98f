/**
 * Run an external command with an overall deadline, and leave nothing behind.
 *
 * The child is spawned detached, so it leads a process group of its own; on the deadline (or when this
 * process is interrupted or exits) the whole group gets SIGTERM and, after a grace period, SIGKILL:
 * `process.kill(-pid)`. A timed-out `kubectl` or `terraform` can't leave provider plugins or shells
 * running. When the command exits by itself, anything it left in its group is killed too (no orphans).
 * A program that calls setsid() itself leaves the group; nothing here can follow it.
 *
 * Every failure to run is an ExecError with a one-line message; a non-zero exit is a result, not an
 * error (`runChecked` turns it into one).
 */
import { spawn } from "child_process";
import { EnvironmentError } from "../lib/errors";

export interface ExecOptions {
  /** Overall deadline for the command, in milliseconds (required: nothing may run unbounded). */
  readonly timeoutMs: number;
  /** Working directory. @default - this process's */
  readonly cwd?: string;
  /** Environment. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Text written to stdin, which is then closed. @default - stdin is closed at once */
  readonly input?: string;
  /** Called with the elapsed seconds every `progressEveryMs` while the command runs. @default - silent */
  readonly onProgress?: (elapsedSeconds: number) => void;
  /** Interval of onProgress. @default 10000 */
  readonly progressEveryMs?: number;
  /** After SIGTERM to the group, wait this long before SIGKILL. @default 2000 */
  readonly graceMs?: number;
  /** stdout + stderr larger than this kill the command (a runaway output can't exhaust memory). @default 256 MiB */
  readonly maxOutputBytes?: number;
  /** How the command is named in messages. @default - the binary's name */
  readonly label?: string;
}

export interface ExecResult {
  /** Exit code; null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

export type ExecFailure = "not-found" | "timeout" | "too-much-output" | "spawn-failed" | "exit-status";

/** The command could not run to completion (an environment problem: the CLI maps it to exit 3). */
export class ExecError extends EnvironmentError {
  constructor(
    readonly reason: ExecFailure,
    message: string,
    readonly result?: ExecResult,
  ) {
    super(message);
    this.name = "ExecError";
  }
}

/** Process groups still running, killed if this process is interrupted or exits. */
const liveGroups = new Set<number>();
let handlersInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", () => {
    for (const pid of liveGroups) killGroup(pid, "SIGKILL");
  });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    // only take over the signal when nobody else handles it: then exit as the default action would
    if (process.listenerCount(sig) > 0) continue;
    process.once(sig, () => {
      for (const pid of liveGroups) killGroup(pid, "SIGKILL");
      process.exit(128 + (sig === "SIGINT" ? 2 : sig === "SIGTERM" ? 15 : 1));
    });
  }
}

function label(bin: string, o: ExecOptions): string {
  return o.label ?? bin.split("/").pop() ?? bin;
}

/** Runs `bin args` to completion or to the deadline. Resolves with the exit status; rejects with ExecError. */
export function run(bin: string, args: readonly string[], o: ExecOptions): Promise<ExecResult> {
  if (!Number.isFinite(o.timeoutMs) || o.timeoutMs <= 0) {
    return Promise.reject(new ExecError("spawn-failed", `${label(bin, o)}: timeoutMs must be a finite positive number (got ${o.timeoutMs})`));
  }
  installHandlers();
  const name = label(bin, o);
  const started = Date.now();
  const maxBytes = o.maxOutputBytes ?? 256 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(bin, args as string[], { cwd: o.cwd, env: o.env ?? process.env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    } catch (e) {
      reject(new ExecError("spawn-failed", `${name}: could not start: ${(e as Error).message}`));
      return;
    }
    const pid = child.pid;
    if (pid !== undefined) liveGroups.add(pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let bytes = 0;
    let failure: ExecError | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (f: ExecError) => {
      if (failure) return;
      failure = f;
      if (pid === undefined) return;
      killGroup(pid, "SIGTERM");
      killTimer = setTimeout(() => killGroup(pid, "SIGKILL"), o.graceMs ?? 2000);
    };
    const collect = (into: Buffer[]) => (d: Buffer) => {
      bytes += d.length;
      if (bytes > maxBytes) stop(new ExecError("too-much-output", `${name} wrote more than ${maxBytes} bytes of output; stopped it`));
      else into.push(d);
    };
    child.stdout!.on("data", collect(out));
    child.stderr!.on("data", collect(err));
    child.stdin!.on("error", () => undefined); // a command that doesn't read stdin closes it early
    child.stdin!.end(o.input ?? "");
    const deadline = setTimeout(
      () => stop(new ExecError("timeout", `${name} did not finish within ${fmtSeconds(o.timeoutMs)}; stopped it and every process it started`)),
      o.timeoutMs,
    );
    const tick = o.onProgress ? setInterval(() => o.onProgress!(Math.round((Date.now() - started) / 1000)), o.progressEveryMs ?? 10000) : undefined;
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (tick) clearInterval(tick);
      if (pid !== undefined) {
        // whatever the command left in its group goes with it
        if (groupAlive(pid)) killGroup(pid, "SIGKILL");
        liveGroups.delete(pid);
      }
      if (killTimer) clearTimeout(killTimer);
      const result: ExecResult = { code, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), durationMs: Date.now() - started };
      if (spawnError) {
        reject(
          spawnError.code === "ENOENT"
            ? new ExecError("not-found", `${name}: '${bin}' not found (not installed, or not on PATH)`)
            : new ExecError("spawn-failed", `${name}: could not start '${bin}': ${spawnError.code ?? spawnError.message}`),
        );
      } else if (failure) {
        reject(new ExecError(failure.reason, failure.message, result));
      } else {
        resolve(result);
      }
    };
    child.on("error", (e) => finish(null, null, e as NodeJS.ErrnoException));
    // a grandchild may hold the pipes open after the command exits: end the group so they close
    child.on("exit", () => {
      if (pid !== undefined && groupAlive(pid)) killGroup(pid, "SIGKILL");
    });
    child.on("close", (code, signal) => finish(code, signal));
  });
}

/** Like run, but a non-zero exit is an ExecError naming the first meaningful line of the command's output. */
export async function runChecked(bin: string, args: readonly string[], o: ExecOptions): Promise<ExecResult> {
  const r = await run(bin, args, o);
  if (r.code === 0) return r;
  const text = (r.stderr || r.stdout).replace(/\x1b\[[0-9;]*m/g, "").trim();
  const first = text.split("\n").find((l) => l.trim()) ?? "";
  throw new ExecError("exit-status", `${label(bin, o)} exited ${r.code ?? r.signal}${first ? `: ${first.trim().slice(0, 300)}` : ""}`, r);
}

function fmtSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

/** The process groups currently running (for tests). */
export function runningGroups(): number[] {
  return [...liveGroups];
}
