#!/usr/bin/env node
// CLI figures for bench/RESULTS.md (`npm run build && node bench/cli.js`): start-up of `authentik-stack`
// for --version and the help texts (the command table loads commands lazily, so help loads no cdktf), and
// how closely io/ keeps its deadlines: a command whose grandchildren run on (io/exec kills the process
// group) and a slow-drip HTTP answer (io/http's overall deadline). Prints markdown rows.
"use strict";
const fs = require("fs");
const http = require("http");
const path = require("path");
const { spawnSync } = require("child_process");
const root = path.resolve(__dirname, "..");
const { run } = require(path.join(root, "dist", "io", "exec.js"));
const { request } = require(path.join(root, "dist", "io", "http.js"));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
const alive = (pid) => {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return s.slice(s.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
};

async function main() {
  const rows = [];
  const floor = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, ["-e", ""]);
    floor.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  rows.push(`| \`node -e ''\` (this machine, now) | 5 | ${fmt(floor)} | |`);
  for (const args of [["--version"], ["--help"], ["check", "--help"], ["deploy", "--help"]]) {
    const ms = [];
    let rss = 0;
    for (let i = 0; i < 5; i++) {
      const t = process.hrtime.bigint();
      const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, path.join(root, "bin", "authentik-stack.js"), ...args], { encoding: "utf8" });
      ms.push(Number(process.hrtime.bigint() - t) / 1e6);
      rss = Math.max(rss, Number(r.stderr.trim().split("\n").pop()) / 1024);
    }
    rows.push(`| \`authentik-stack ${args.join(" ")}\` | 5 | ${fmt(ms)} | ${rss.toFixed(0)} MB peak RSS |`);
  }
  const kill = [];
  const gone = [];
  for (let i = 0; i < 3; i++) {
    const pf = path.join(require("os").tmpdir(), `bench-cli-pids-${process.pid}`);
    const t0 = Date.now();
    await run("sh", ["-c", `for i in 1 2 3 4 5; do sleep 300 & echo $! >> ${pf}; done; wait`], { timeoutMs: 1000 }).catch(() => undefined);
    kill.push(Date.now() - t0);
    const pids = fs.readFileSync(pf, "utf8").trim().split("\n").map(Number);
    fs.unlinkSync(pf);
    while (pids.some(alive)) await new Promise((r) => setTimeout(r, 2));
    gone.push(Date.now() - t0);
  }
  rows.push(`| io/exec: deadline 1000 ms, 5 grandchildren: rejected after | 3 | ${fmt(kill)} | |`);
  rows.push(`| io/exec: … all 5 grandchildren gone after | 3 | ${fmt(gone)} | |`);
  const srv = http.createServer((q, s) => {
    s.writeHead(200);
    const t = setInterval(() => s.write("x"), 100);
    s.on("close", () => clearInterval(t));
  });
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const drip = [];
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    await request(`http://127.0.0.1:${srv.address().port}/`, { timeoutMs: 1000 }).catch(() => undefined);
    drip.push(Date.now() - t0);
  }
  srv.closeAllConnections();
  srv.close();
  rows.push(`| io/http: slow drip (1 byte / 100 ms), deadline 1000 ms: rejected after | 3 | ${fmt(drip)} | |`);
  console.log("| figure | runs | ms | |\n|---|---|---|---|\n" + rows.join("\n"));
}
main();
