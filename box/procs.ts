/**
 * The box's processes: each started in its own process group with its output in a log file, recorded
 * by PID; stopped by PID (its whole group: TERM, then KILL after a grace period). Nothing is found or
 * killed by name.
 */
import * as fs from "fs";
import * as net from "net";
import { spawn, SpawnOptions } from "child_process";

export interface ProcRecord {
  readonly name: string;
  readonly pid: number;
  readonly log: string;
  /** Loopback ports it listens on (checked free again after `box down`). */
  readonly ports: number[];
}

export interface StartSpec {
  readonly name: string;
  readonly cmd: string;
  readonly args: readonly string[];
  readonly log: string;
  readonly ports: number[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly uid?: number;
  readonly gid?: number;
}

/** Starts a detached process (own process group), output appended to spec.log. */
export function startProc(spec: StartSpec): ProcRecord {
  const fd = fs.openSync(spec.log, "a", 0o600);
  const opts: SpawnOptions = { detached: true, stdio: ["ignore", fd, fd], env: spec.env ?? process.env, cwd: spec.cwd };
  if (spec.uid !== undefined) Object.assign(opts, { uid: spec.uid, gid: spec.gid });
  const child = spawn(spec.cmd, [...spec.args], opts);
  fs.closeSync(fd);
  if (child.pid === undefined) throw new Error(`${spec.name}: could not start ${spec.cmd}`);
  child.unref();
  return { name: spec.name, pid: child.pid, log: spec.log, ports: spec.ports };
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // a zombie still answers kill(0): look at its state
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stops a recorded process group: TERM, up to graceMs, then KILL. Resolves when no member is left. */
export async function stopProc(p: ProcRecord, graceMs = 10000): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-p.pid, s);
    } catch {
      try {
        process.kill(p.pid, s);
      } catch {
        /* gone */
      }
    }
  };
  if (!alive(p.pid) && !groupAlive(p.pid)) return;
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && (alive(p.pid) || groupAlive(p.pid))) await sleep(100);
  if (alive(p.pid) || groupAlive(p.pid)) {
    signal("SIGKILL");
    const hard = Date.now() + 5000;
    while (Date.now() < hard && (alive(p.pid) || groupAlive(p.pid))) await sleep(100);
  }
}

/** Whether any live process still belongs to process group `pgid`. */
export function groupAlive(pgid: number): boolean {
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") return true;
    } catch {
      /* exited meanwhile */
    }
  }
  return false;
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function listening(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    const done = (v: boolean) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.on("connect", () => done(true));
    s.on("error", () => done(false));
  });
}

/** Free loopback ports, reserved by binding them briefly (n distinct ones). */
export async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
    servers.push(s);
    ports.push((s.address() as net.AddressInfo).port);
  }
  await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))));
  return ports;
}

/** Polls `check` until it resolves true, or fails with `what` after timeoutMs (with the log's tail). */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, proc?: ProcRecord): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (proc && !alive(proc.pid)) throw new Error(`${proc.name} exited during start-up: ${tail(proc.log)}`);
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000}s${proc ? `: ${tail(proc.log)}` : ""}`);
    await sleep(100);
  }
}

export function tail(file: string, lines = 3): string {
  try {
    return fs.readFileSync(file, "utf8").trim().split("\n").slice(-lines).join(" | ").slice(0, 600);
  } catch {
    return "(no log)";
  }
}
