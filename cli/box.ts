/**
 * `authentik-stack box up [--chart VERSION]... [--json] | status [--json] | down [--json]`: the
 * rehearsal environment on loopback (see README "Rehearsal box"). `up` prints `export` lines for
 * `eval "$(npx authentik-stack box up)"` on stdout and its progress on stderr.
 * Exit codes: 0 ok (status: the box is up); 1 status: not (fully) up, or down left something behind;
 * 2 usage; 3 the box could not start (missing binaries or PostgreSQL, a process that would not start).
 */
import { loadConfig, readOverrides } from "../config";
import { boxDown, boxStatus, boxUp, exportLines } from "../box/box";
import { EXIT, UsageError, parseArgs, progress } from "./output";

const COULD_NOT_RUN = 3;

export const BOX_USAGE = `usage: authentik-stack box <up|status|down> [options]

  up [--chart VERSION]... [--json]
      start the rehearsal box on 127.0.0.1 (Kubernetes control plane + KWOK, PostgreSQL, Vault KV v2,
      the chart repository, the authentik API, the outpost controller, the edge) and print export lines:
        eval "$(npx authentik-stack box up)"
      --chart: chart versions the loopback repository serves (default: the config's release version)
  status [--json]
      what runs (process, PID, ports)
  down [--json]
      stop everything the box started, by PID, and check no listener is left

exit codes: 0 ok; 1 status: not up / down: something left behind; 2 usage; 3 the box could not start`;

export async function runBox(argv: string[], out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || rest.includes("--help")) {
    out(BOX_USAGE);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  const args = parseArgs(rest, ["json"], sub === "up" ? ["chart"] : []);
  if (args.positional.length) throw new UsageError(`box ${sub}: unexpected argument '${args.positional[0]}'`);
  const json = args.flags.has("json");
  switch (sub) {
    case "up": {
      const charts = args.flags.get("chart") ?? [];
      for (const v of charts) if (!/^\d+\.\d+\.\d+$/.test(v)) throw new UsageError(`--chart ${v}: allowed: a chart version such as 2026.2.2`);
      const config = loadConfig(readOverrides());
      try {
        const state = await boxUp({ config, charts, say: progress });
        if (json) out(JSON.stringify({ dir: state.dir, env: state.env, secretEnvFiles: state.secretEnv, processes: state.procs.map((p) => ({ name: p.name, pid: p.pid, ports: p.ports })), charts: state.charts }, null, 2));
        else exportLines(state).forEach((l) => out(l));
        return EXIT.ok;
      } catch (e) {
        process.stderr.write(`authentik-stack box up: ${(e as Error).message.split("\n")[0]}\n`);
        return COULD_NOT_RUN;
      }
    }
    case "status": {
      const s = await boxStatus();
      if (json) out(JSON.stringify(s ?? { up: false, procs: [] }, null, 2));
      else if (!s) out("box: not up");
      else {
        out(`box: ${s.up ? "up" : "NOT fully up"} (${s.dir}); charts served: ${s.charts.join(", ") || "none"}`);
        for (const p of s.procs) out(`  ${p.name.padEnd(24)} pid ${String(p.pid).padEnd(8)} ${p.alive ? "running" : "EXITED "}  ${p.ports.map((x) => `127.0.0.1:${x.port}${x.listening ? "" : " (not listening)"}`).join(" ")}`);
      }
      return s?.up ? EXIT.ok : EXIT.findings;
    }
    case "down": {
      const r = await boxDown(progress);
      if (json) out(JSON.stringify(r, null, 2));
      else out(r.stopped.length ? (r.leftovers.length ? `box: stopped ${r.stopped.length} process(es), but: ${r.leftovers.join("; ")}` : `box: down (${r.stopped.length} process(es) stopped, no listener left)`) : "box: was not up");
      return r.leftovers.length ? EXIT.findings : EXIT.ok;
    }
    default:
      throw new UsageError(`unknown box command '${sub}'; allowed: up, status, down`);
  }
}
