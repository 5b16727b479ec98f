#!/usr/bin/env node
// Rehearsal-box figures for bench/RESULTS.md (measured, never asserted):
//   node bench/box.js up [runs]   `box up` wall time with warm caches (median of runs), RSS of the box after up
//   node bench/box.js e2e         `npm run test:e2e` wall time, and the box's peak RSS while it runs
// The box's RSS = the sum of VmRSS over every process the box started and their children (from the PIDs
// in each box's state.json), sampled every 500 ms.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn, spawnSync } = require("child_process");

const root = path.join(__dirname, "..");
const bin = path.join(root, "bin", "authentik-stack.js");

function children() {
  const parent = new Map();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(s.slice(s.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  return parent;
}

function rssOfTrees(roots) {
  const parent = children();
  const all = [...roots];
  for (let i = 0; i < all.length; i++) for (const [pid, pp] of parent) if (pp === all[i] && !all.includes(pid)) all.push(pid);
  let kb = 0;
  for (const pid of all) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) kb += Number(m[1]);
    } catch {}
  }
  return kb / 1024;
}

function boxRoots(dirs) {
  return dirs.flatMap((d) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(d, "state.json"), "utf8")).procs.map((p) => p.pid);
    } catch {
      return [];
    }
  });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const mode = process.argv[2];
if (mode === "up") {
  const runs = Number(process.argv[3] ?? 3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-box-bench-"));
  const env = { ...process.env, AUTHENTIK_STACK_BOX_DIR: dir };
  const times = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    const t = Date.now();
    const r = spawnSync(process.execPath, [bin, "box", "up"], { env, encoding: "utf8" });
    times.push(Date.now() - t);
    if (r.status !== 0) {
      process.stderr.write(r.stderr);
      process.exit(1);
    }
    spawnSync("sleep", ["5"]);
    rss = Math.max(rss, rssOfTrees(boxRoots([dir])));
    spawnSync(process.execPath, [bin, "box", "down"], { env, stdio: "inherit" });
  }
  console.log(`box up (warm): median ${(median(times) / 1000).toFixed(1)} s over ${runs} runs (${times.map((t) => (t / 1000).toFixed(1)).join(", ")}); RSS of the box after up: ${rss.toFixed(0)} MB`);
} else if (mode === "e2e") {
  let peak = 0;
  const tick = setInterval(() => {
    const dirs = fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith("ak-box-test-")).map((d) => path.join(os.tmpdir(), d));
    peak = Math.max(peak, rssOfTrees(boxRoots(dirs)));
  }, 500);
  const t = Date.now();
  const child = spawn("npm", ["run", "test:e2e"], { cwd: root, stdio: "inherit" });
  child.on("exit", (code) => {
    clearInterval(tick);
    console.log(`npm run test:e2e: ${((Date.now() - t) / 1000).toFixed(0)} s (exit ${code}); peak RSS of the box: ${peak.toFixed(0)} MB`);
    process.exit(code ?? 1);
  });
} else {
  console.error("usage: node bench/box.js up [runs] | e2e");
  process.exit(2);
}
