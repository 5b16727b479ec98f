#!/usr/bin/env node
// Before the terraform and plan-to-zero tests: makes sure the heavy builds exist (each is cached by version
// under ~/.cache/authentik-stack and reused): the provider mirror (scripts/build-providers.sh), and, when
// ../shared/upstream/charts is there, helm (scripts/build-helm.sh) and the chart packages
// (scripts/assemble-chart.sh). Fails loudly when one can't be built; progress lines come from the scripts.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const run = (script, args = []) => {
  const r = spawnSync("bash", [path.join(__dirname, script), ...args], { stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) {
    process.stderr.write(`ensure-builds: scripts/${script} ${args.join(" ")} failed (exit ${r.status}); the terraform tests need it (README, Providers)\n`);
    process.exit(r.status === 2 ? 2 : 3);
  }
};
// build-providers.sh prints its progress on stdout: keep it visible
const p = spawnSync("bash", [path.join(__dirname, "build-providers.sh")], { stdio: ["ignore", "inherit", "inherit"] });
if (p.status !== 0) {
  process.stderr.write("ensure-builds: the provider mirror could not be built; the terraform tests need it (README, Providers)\n");
  process.exit(3);
}
const upstream = spawnSync("bash", ["-c", '. "$1/common.sh" && as_upstream', "_", __dirname], { encoding: "utf8" }).stdout.trim();
if (upstream && fs.existsSync(path.join(upstream, "charts"))) {
  run("build-helm.sh");
  for (const f of fs.readdirSync(path.join(upstream, "charts")).sort()) {
    const m = /^authentik-(\d+\.\d+\.\d+)\.src\.tar\.gz$/.exec(f);
    if (m) run("assemble-chart.sh", [m[1]]);
  }
}
