/**
 * `authentik-stack box up|status|down`: the rehearsal environment on loopback (README "Rehearsal box").
 * `up` prints `export` lines for `eval "$(npx authentik-stack box up)"` on stdout, progress on stderr.
 */
import { loadConfig, readOverrides } from "../config";
import { BoxEnvironmentError, boxUp } from "../box/box";
import { boxDown, boxStatus, exportLines } from "../box/state";
import { EnvironmentError } from "../lib/errors";
import { EXIT } from "./exit-codes";
import { CommandSpec, UsageError } from "./framework";

const up: CommandSpec = {
  name: "up",
  summary: "start the box and print export lines for eval",
  description:
    "Starts, all on 127.0.0.1: etcd, kube-apiserver, controller-manager, scheduler and KWOK (built by\n" +
    "scripts/build-kube.sh, cached by version), PostgreSQL (the pg state backend), Vault KV v2 (a stand-in),\n" +
    "the chart repository with the real chart, the authentik API stand-in, the outpost controller and the edge.\n" +
    "Prints export lines (secret values are read from 0600 files at eval time, never printed).",
  options: {
    chart: { type: "string", value: "VERSION", multiple: true, help: "a chart version the loopback repository serves (default: the config's release version)" },
    json: { type: "boolean", help: "print the environment and processes as JSON instead of export lines" },
  },
  exitCodes: { 0: "the box is up (or was already)", 3: "the box could not start (binaries, PostgreSQL, a process that would not start)" },
  env: [
    ["AUTHENTIK_STACK_BOX_DIR", "the box's folder (default <tmpdir>/authentik-stack-box-<uid>)"],
    ["AUTHENTIK_STACK_CACHE", "where built binaries are cached (default ~/.cache/authentik-stack)"],
    ["AUTHENTIK_STACK_CONFIG", "your config override file (the box adds its edge URL to a copy)"],
  ],
  examples: ['eval "$(npx authentik-stack box up)"', "npx authentik-stack box up --chart 2026.2.2 --chart 2026.5.6"],
  async run(ctx) {
    const charts = ctx.strs("chart");
    for (const v of charts) if (!/^\d+\.\d+\.\d+$/.test(v)) throw new UsageError(`--chart ${v}: not a chart version; allowed: a version such as 2026.2.2`);
    const config = loadConfig(readOverrides());
    try {
      const state = await boxUp({ config, charts, say: (s) => ctx.progress(s) });
      if (ctx.json) ctx.out(JSON.stringify({ dir: state.dir, env: state.env, secretEnvFiles: state.secretEnv, processes: state.procs.map((p) => ({ name: p.name, pid: p.pid, ports: p.ports })), charts: state.charts }, null, 2));
      else exportLines(state).forEach((l) => ctx.out(l));
      return EXIT.ok;
    } catch (e) {
      if (e instanceof BoxEnvironmentError) throw new EnvironmentError(`box up: ${e.message}`);
      throw new EnvironmentError(`box up: ${(e as Error).message.split("\n")[0]}`);
    }
  },
};

const status: CommandSpec = {
  name: "status",
  summary: "what runs: process, PID, ports",
  description: "Lists every process the box started, whether it runs, and whether its loopback ports listen.",
  options: { json: { type: "boolean", help: "print as JSON" } },
  exitCodes: { 0: "the box is up", 1: "the box is not (fully) up" },
  async run(ctx) {
    const s = await boxStatus();
    if (ctx.json) ctx.out(JSON.stringify(s ?? { up: false, procs: [] }, null, 2));
    else if (!s) ctx.out("box: not up");
    else {
      ctx.out(`box: ${s.up ? "up" : "NOT fully up"} (${s.dir}); charts served: ${s.charts.join(", ") || "none"}`);
      for (const p of s.procs) ctx.out(`  ${p.name.padEnd(24)} pid ${String(p.pid).padEnd(8)} ${p.alive ? "running" : "EXITED "}  ${p.ports.map((x) => `127.0.0.1:${x.port}${x.listening ? "" : " (not listening)"}`).join(" ")}`);
    }
    return s?.up ? EXIT.ok : EXIT.findings;
  },
};

const down: CommandSpec = {
  name: "down",
  summary: "stop everything the box started, by PID; check no listener is left",
  description: "Stops every recorded process group (TERM, then KILL after 10 s), in reverse start order, then\nchecks that none of them runs and none of their ports listens; removes the box folder when clean.",
  options: { json: { type: "boolean", help: "print as JSON" } },
  exitCodes: { 0: "down (or was not up), nothing left", 1: "something is still running or listening" },
  async run(ctx) {
    const r = await boxDown((s) => ctx.progress(s));
    if (ctx.json) ctx.out(JSON.stringify(r, null, 2));
    else ctx.out(r.stopped.length ? (r.leftovers.length ? `box: stopped ${r.stopped.length} process(es), but: ${r.leftovers.join("; ")}` : `box: down (${r.stopped.length} process(es) stopped, no listener left)`) : "box: was not up");
    return r.leftovers.length ? EXIT.findings : EXIT.ok;
  },
};

export const command: CommandSpec = {
  name: "box",
  summary: "the rehearsal environment on loopback: eval \"$(npx authentik-stack box up)\"",
  description: "A rehearsal cluster on 127.0.0.1 where the operator's own commands (cdktf deploy, verify-upgrade,\nplan-to-zero) run unchanged. See README \"Rehearsal box\".",
  options: {},
  subcommands: { up, status, down },
};
