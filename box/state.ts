/**
 * The box's record of itself (<box>/state.json: every process by PID, the environment it exports) and
 * what reads it: the export lines, `status`, and `down` (stops exactly the recorded PIDs, process groups,
 * in reverse start order, then checks that none runs and none of their ports listens).
 */
import * as fs from "fs";
import * as path from "path";
import { boxDir } from "./paths";
import { ProcRecord, alive, listening, stopProc } from "./procs";

export interface BoxState {
  readonly dir: string;
  readonly startedAt: string;
  readonly procs: ProcRecord[];
  readonly env: Record<string, string>;
  /** Secret-bearing variables: exported from a 0600 file, never printed. */
  readonly secretEnv: Record<string, string>;
  readonly charts: string[];
}

export function stateFile(dir: string): string {
  return path.join(dir, "state.json");
}

export function readState(dir: string): BoxState | undefined {
  try {
    return JSON.parse(fs.readFileSync(stateFile(dir), "utf8"));
  } catch {
    return undefined;
  }
}

/** The export lines `eval` takes; secret values are read from their 0600 files at eval time. */
export function exportLines(s: BoxState): string[] {
  const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  return [
    ...Object.entries(s.env).map(([k, v]) => `export ${k}=${q(v)}`),
    ...Object.entries(s.secretEnv).map(([k, file]) => `export ${k}="$(cat ${q(file)})"`),
  ];
}

export interface ProcStatus {
  readonly name: string;
  readonly pid: number;
  readonly alive: boolean;
  readonly ports: Array<{ port: number; listening: boolean }>;
}

export async function boxStatus(env: NodeJS.ProcessEnv = process.env): Promise<{ dir: string; up: boolean; procs: ProcStatus[]; charts: string[] } | undefined> {
  const dir = boxDir(env);
  const s = readState(dir);
  if (!s) return undefined;
  const procs = await Promise.all(
    s.procs.map(async (p) => ({ name: p.name, pid: p.pid, alive: alive(p.pid), ports: await Promise.all(p.ports.map(async (port) => ({ port, listening: await listening(port) }))) })),
  );
  return { dir, up: procs.length > 0 && procs.every((p) => p.alive), procs, charts: s.charts };
}

/** Stops every recorded process (reverse start order), then checks nothing listens on their ports. */
export async function boxDown(say: (s: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<{ stopped: string[]; leftovers: string[] }> {
  const dir = boxDir(env);
  const s = readState(dir);
  if (!s) return { stopped: [], leftovers: [] };
  const stopped: string[] = [];
  for (const p of [...s.procs].reverse()) {
    if (alive(p.pid)) say(`box: stopping ${p.name} (pid ${p.pid})`);
    await stopProc(p);
    stopped.push(p.name);
  }
  const leftovers: string[] = [];
  for (const p of s.procs) {
    if (alive(p.pid)) leftovers.push(`${p.name} pid ${p.pid} still runs`);
    for (const port of p.ports) if (await listening(port)) leftovers.push(`127.0.0.1:${port} (${p.name}) still listens`);
  }
  if (!leftovers.length) fs.rmSync(dir, { recursive: true, force: true });
  return { stopped, leftovers };
}
