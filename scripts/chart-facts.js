#!/usr/bin/env node
// `npm run chart-facts [-- VERSION...] [--check]`: decides from the real chart, rendered by real helm, what
// each chart version does with the stack's values file, and writes model/charts/<version>.json (AK008 reads
// it; chart/facts.ts says how). Chart packages and helm are built by scripts/assemble-chart.sh and
// scripts/build-helm.sh (cached by version). Run it after editing the values file or adding a chart version.
//
//   node scripts/chart-facts.js              every chart version in ../shared/upstream/charts
//   node scripts/chart-facts.js 2026.5.6     only that one
//   node scripts/chart-facts.js --check      regenerate in memory and compare with the committed files
// Exit codes: 0 written / identical, 1 differs (--check), 2 usage, 3 could not run (no archives, no helm).
"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const USAGE = "usage: node scripts/chart-facts.js [--check] [VERSION...]";
const die = (code, msg) => {
  process.stderr.write(`chart-facts: ${msg}\n`);
  process.exit(code);
};

function main() {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) return console.log(USAGE);
  const check = args.includes("--check");
  const bad = args.find((a) => a.startsWith("-") && a !== "--check");
  if (bad) die(2, `unknown option '${bad}'; ${USAGE}`);
  execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  const dist = (p) => require(path.join(root, "dist", p));
  const { computeChartFacts, factsText } = dist("chart/facts.js");
  const { availableChartVersions, chartPackage, helmBinary, upstreamAvailable } = dist("chart/packages.js");
  const { DEFAULT_CONFIG } = dist("config/index.js");
  if (!upstreamAvailable()) die(3, "no chart archives (../shared/upstream/charts next to the repo, or AUTHENTIK_STACK_UPSTREAM); the committed facts stay as they are");
  const available = availableChartVersions();
  const versions = args.filter((a) => !a.startsWith("-"));
  for (const v of versions) if (!available.includes(v)) die(2, `no chart archive for version '${v}'; allowed: ${available.join(", ")}`);
  let helm;
  try {
    helm = helmBinary();
  } catch (e) {
    die(3, e.message);
  }
  const helmVersion = execFileSync(helm, ["version", "--template", "{{.Version}}"], { encoding: "utf8" }).trim();
  const valuesFile = DEFAULT_CONFIG.release.valuesFile;
  const valuesText = fs.readFileSync(path.join(root, valuesFile), "utf8");
  const differ = [];
  for (const version of versions.length ? versions : available) {
    const started = Date.now();
    const facts = computeChartFacts({ version, pkg: chartPackage(version), helm, helmVersion, valuesFile, valuesText, progress: (l) => process.stderr.write(`[chart-facts] ${l}\n`) });
    const file = path.join(root, "model", "charts", `${version}.json`);
    const text = factsText(facts);
    const same = fs.existsSync(file) && fs.readFileSync(file, "utf8") === text;
    process.stderr.write(`[chart-facts] ${version}: ${Object.values(facts.leaves).filter((e) => e !== "read").length} inert value(s), ${same ? "unchanged" : check ? "DIFFERS" : "written"} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    if (same) continue;
    differ.push(path.relative(root, file));
    if (!check) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(`${file}.tmp`, text);
      fs.renameSync(`${file}.tmp`, file);
    }
  }
  if (check && differ.length) die(1, `${differ.join(", ")} differ from what the chart renders; fix: npm run chart-facts, then commit`);
}

main();
