#!/usr/bin/env node
// `npm run bench`: synth latency against its floors and `cdktf synth`, the full `npm test`, and how synth
// time and peak RSS grow with N extra objects. Each figure is measured several times (min/median/max);
// ratios are reported because machines here are noisy. Writes bench/RESULTS.md.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.resolve(__dirname, "..");
const quick = process.argv.includes("--quick");
const runs = quick ? 2 : 5;
const log = (s) => process.stderr.write(`[bench] ${s}\n`);

function time(label, cmd, args, n = runs, opts = {}) {
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: root, stdio: opts.stdio ?? "ignore", env: { ...process.env, ...(opts.env ?? {}) }, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${label}: ${cmd} ${args.join(" ")} exited ${r.status}\n${r.stderr ?? ""}`);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    log(`${label} run ${i + 1}/${n}: ${ms[i].toFixed(0)} ms`);
  }
  return stats(ms);
}
function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1], n: s.length };
}
const fmt = (st) => `${st.median.toFixed(0)} (${st.min.toFixed(0)}–${st.max.toFixed(0)})`;

function synthN(n, guards, k = quick ? 2 : 3) {
  const rows = [];
  for (let i = 0; i < k; i++) {
    const r = spawnSync(process.execPath, [path.join(__dirname, "synth-n.js"), String(n), ...(guards ? [] : ["--no-guards"])], { cwd: root, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`synth N=${n}: ${r.stderr}`);
    rows.push(JSON.parse(r.stdout));
    log(`synth N=${n}${guards ? "" : " (no guards)"} run ${i + 1}/${k}: ${rows[i].ms.toFixed(0)} ms, ${rows[i].maxRssMB.toFixed(0)} MB`);
  }
  return { time: stats(rows.map((r) => r.ms)), rss: stats(rows.map((r) => r.maxRssMB)), resources: rows[0].resources };
}

log(`machine: ${os.cpus().length} cpu, node ${process.version}`);
const bare = time("node -e ''", process.execPath, ["-e", ""]);
const floor = time("import floor (submodules)", process.execPath, [path.join(__dirname, "import-floor.js")]);
const barrel = time("import floor (package barrels)", process.execPath, [path.join(__dirname, "import-floor.js"), "--barrel"], quick ? 2 : 3);
const npmFloor = time("npm run of node -e ''", "npm", ["run", "--silent", "bench:npm-floor"]);
const nodeSynth = time("node bin/synth.js", process.execPath, [path.join(root, "bin", "synth.js")]);
const npmSynth = time("npm run synth", "npm", ["run", "--silent", "synth"]);
const cliSynth = time("cdktf synth", path.join(root, "node_modules", ".bin", "cdktf"), ["synth", "--output", fs.mkdtempSync(path.join(os.tmpdir(), "ak-cli-"))], quick ? 1 : 3, { env: { CHECKPOINT_DISABLE: "1", CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1" } });
const scale = {};
for (const n of [0, 10, 100, 1000]) scale[n] = synthN(n, true);
const noGuards1000 = synthN(1000, false);
let testAll;
if (!process.argv.includes("--no-test")) testAll = time("npm test", "npm", ["test", "--silent"], 1);

const r = (a, b) => (a / b).toFixed(2);
const guardOverhead = (scale[1000].time.median / noGuards1000.time.median - 1) * 100;
const lines = [
  "# Benchmark results",
  "",
  `Produced by \`npm run bench\` (bench/run.js) on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPUs, node ${process.version}.`,
  "Times in ms: median (min–max) over the runs shown. Machines here are noisy: read the ratios.",
  "",
  "| figure | runs | ms |",
  "|---|---|---|",
  `| \`node -e ''\` | ${bare.n} | ${fmt(bare)} |`,
  `| import floor: cdktf + provider classes by submodule | ${floor.n} | ${fmt(floor)} |`,
  `| same through the package barrels | ${barrel.n} | ${fmt(barrel)} |`,
  `| \`npm run\` of \`node -e ''\` (npm's own cost) | ${npmFloor.n} | ${fmt(npmFloor)} |`,
  `| \`node bin/synth.js\` (what \`npm run synth\` runs) | ${nodeSynth.n} | ${fmt(nodeSynth)} |`,
  `| \`npm run synth\` (end to end, guards on) | ${npmSynth.n} | ${fmt(npmSynth)} |`,
  `| \`cdktf synth\` (CLI) | ${cliSynth.n} | ${fmt(cliSynth)} |`,
  ...(testAll ? [`| \`npm test\` (provider mirror cached) | ${testAll.n} | ${fmt(testAll)} |`] : []),
  "",
  "| N extra proxy apps | resources | synth ms | peak RSS MB |",
  "|---|---|---|---|",
  ...[0, 10, 100, 1000].map((n) => `| ${n} | ${scale[n].resources} | ${fmt(scale[n].time)} | ${scale[n].rss.median.toFixed(0)} |`),
  `| 1000, guards off | ${noGuards1000.resources} | ${fmt(noGuards1000.time)} | ${noGuards1000.rss.median.toFixed(0)} |`,
  "",
  "| ratio | value | target |",
  "|---|---|---|",
  `| npm run synth ÷ import floor | ${r(npmSynth.median, floor.median)} | ≤ 1.5 |`,
  `| node bin/synth.js ÷ import floor (without npm's start-up) | ${r(nodeSynth.median, floor.median)} | ≤ 1.5 |`,
  `| npm run synth ÷ (import floor + npm's own cost − node -e '') | ${r(npmSynth.median, floor.median + npmFloor.median - bare.median)} | ≤ 1.5 |`,
  `| cdktf synth ÷ npm run synth | ${r(cliSynth.median, npmSynth.median)} | ≥ 2 |`,
  `| barrel imports ÷ submodule imports | ${r(barrel.median, floor.median)} | (why submodules) |`,
  `| time(N=1000) ÷ time(N=0) | ${r(scale[1000].time.median, scale[0].time.median)} | (growth) |`,
  `| time(N=1000) ÷ time(N=100) | ${r(scale[1000].time.median, scale[100].time.median)} | < 12 (linear) |`,
  `| guards' share of synth at N=1000 | ${guardOverhead.toFixed(1)}% | < 10% |`,
  "",
];
const out = path.join(__dirname, "RESULTS.md");
const previous = fs.existsSync(out) ? fs.readFileSync(out, "utf8").split("\n## Notes")[1] : undefined;
fs.writeFileSync(out, lines.join("\n") + (previous ? `\n## Notes${previous}` : ""));
process.stdout.write(lines.join("\n") + "\n");
