/**
 * The rehearsal box as the e2e tests use it: through the operator's own command (`authentik-stack box
 * up`), in a private box folder, with the environment its `export` lines give a shell.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync, SpawnSyncReturns } from "child_process";
import { ROOT } from "./synth";

export const BIN = path.join(ROOT, "bin", "authentik-stack.js");

export interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, opts: { cwd?: string; timeoutMs?: number; input?: string } = {}): Run {
  const r: SpawnSyncReturns<string> = spawnSync(cmd, args, { encoding: "utf8", env, cwd: opts.cwd ?? ROOT, timeout: opts.timeoutMs ?? 600000, input: opts.input, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, out: r.stdout ?? "", err: (r.stderr ?? "") + (r.error ? String(r.error) : "") };
}

export function cli(args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number): Run {
  return run(process.execPath, [BIN, ...args], env, { timeoutMs });
}

/** Turns `box up`'s export lines into variables, as `eval` in a shell would (through sh itself). */
export function evalExports(lines: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const r = spawnSync("sh", ["-c", `${lines}\nenv -0`], { encoding: "utf8", env: base });
  if (r.status !== 0) throw new Error(`eval of box up's output failed: ${r.stderr}`);
  return Object.fromEntries(r.stdout.split("\0").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
}

/** A fresh box folder for one test file, and an environment without the caller's box or kube settings. */
export function boxEnv(): NodeJS.ProcessEnv {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-box-test-"));
  fs.rmSync(dir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, AUTHENTIK_STACK_BOX_DIR: dir };
  for (const k of ["KUBECONFIG", "PG_CONN_STR", "VAULT_ADDR", "VAULT_TOKEN", "HTTPS_PROXY", "https_proxy", "SSL_CERT_FILE", "AUTHENTIK_STACK_CONFIG"]) delete env[k];
  return env;
}

/** Listening TCP sockets (ss), as "address:port pid". */
export function listeners(): Array<{ local: string; pids: number[] }> {
  const r = spawnSync("ss", ["-ltnpH"], { encoding: "utf8" });
  return r.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const cols = l.trim().split(/\s+/);
      return { local: cols[3], pids: [...l.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])) };
    });
}

/** PIDs of a process and all its descendants (from /proc). */
export function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      /* gone */
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, pp] of parent) if (pp === out[i]) out.push(pid);
  return out.filter((p) => fs.existsSync(`/proc/${p}`));
}

export const STACK_DIR = path.join(ROOT, "cdktf.out", "stacks", "authentik");
const CDKTF = path.join(ROOT, "node_modules", ".bin", "cdktf");

/** `cdktf deploy authentik --auto-approve`, as the operator runs it (in the repo, with the box's env). */
export function cdktfDeploy(env: NodeJS.ProcessEnv): Run {
  return run(CDKTF, ["deploy", "authentik", "--auto-approve"], { ...env, CI: "1", CHECKPOINT_DISABLE: "1" }, { timeoutMs: 1200000 });
}

export interface StepJson {
  readonly step: number;
  readonly verdict: string;
  readonly evidence: string;
}

/** `authentik-stack verify-upgrade --json`: the exit code and each step's verdict. */
export function verifyUpgrade(env: NodeJS.ProcessEnv, steps: number[] = []): { code: number | null; results: StepJson[]; err: string } {
  const r = cli(["verify-upgrade", "--json", ...steps.flatMap((s) => ["--step", String(s)])], env, 900000);
  let results: StepJson[] = [];
  try {
    results = JSON.parse(r.out).results;
  } catch {
    results = [];
  }
  return { code: r.code, results, err: r.err };
}

export function verdicts(results: readonly StepJson[]): Record<number, string> {
  return Object.fromEntries(results.map((r) => [r.step, r.verdict]));
}

/** `authentik-stack plan-to-zero --json`. */
export function planToZero(env: NodeJS.ProcessEnv): { code: number | null; result: any; err: string } {
  const r = cli(["plan-to-zero", "--json"], env, 900000);
  let result: any;
  try {
    result = JSON.parse(r.out);
  } catch {
    result = { result: "unparsable", out: r.out };
  }
  return { code: r.code, result, err: r.err };
}

/** Polls `check` (sync) every 250 ms until true or timeoutMs; returns whether it became true. */
export function until(check: () => boolean, timeoutMs = 60000): boolean {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    spawnSync("sleep", ["0.25"]);
  }
  return check();
}

/**
 * What the full rehearsal needs beyond the box itself, as reasons it can't run (empty = it can): the
 * real providers at release versions in the mirror (scripts/build-providers.sh) and the real chart
 * packages (scripts/assemble-chart.sh). A rehearsal without them is reported as skipped, with the reason.
 */
export function rehearsalPrerequisites(): string[] {
  const why: string[] = [];
  if (!fs.existsSync(path.join(ROOT, "scripts", "assemble-chart.sh"))) why.push("scripts/assemble-chart.sh (the real chart packages) is not in this tree");
  const cache = process.env.AUTHENTIK_STACK_CACHE ?? path.join(os.homedir(), ".cache", "authentik-stack");
  let providers: Array<{ type: string; version: string; kind?: string }> = [];
  try {
    providers = JSON.parse(fs.readFileSync(path.join(cache, "providers.json"), "utf8")).providers;
  } catch {
    why.push(`${cache}/providers.json missing: run scripts/build-providers.sh`);
  }
  for (const type of ["kubernetes", "helm", "vault", "cloudflare", "authentik"]) {
    const p = providers.find((x) => x.type === type);
    if (p && (/-/.test(p.version) || p.kind === "standin" || p.kind === "substitute")) why.push(`the mirror's ${type} provider is ${p.version} (${p.kind ?? "not a release"}), not a real release build`);
    else if (!p && providers.length) why.push(`the mirror has no ${type} provider`);
  }
  return why;
}

/** Two string maps with the same entries (the API server returns map keys sorted). */
export function sameMap(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const norm = (m: Record<string, string>) => JSON.stringify(Object.entries(m).sort(([x], [y]) => x.localeCompare(y)));
  return !!a && norm(a) === norm(b);
}
