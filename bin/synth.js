#!/usr/bin/env node
// `npm run synth`: synthesizes cdktf.out/stacks/authentik/cdk.tf.json with plain node (no ts-node).
// Recompiles first only when a TypeScript source or schema is newer than the last build, so an
// unchanged tree pays nothing but node's start-up and the app itself.
//   --app-only   used by `cdktf synth` (cdktf.json "app"): same, without the summary line.
"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const stamp = path.join(root, "dist", ".tsbuildinfo");
const started = process.hrtime.bigint();

function newestSource(dir, newest = 0) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name === "dist" || e.name === "cdktf.out" || e.name === "__tests__" || e.name.startsWith(".git")) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = newestSource(p, newest);
    else if (e.name.endsWith(".ts") || (dir.endsWith("schemas") && e.name.endsWith(".json"))) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
if (!fs.existsSync(path.join(root, ".gen", ".fingerprint")) || newestSource(root) > built) {
  process.stderr.write("[synth] sources changed; compiling (npm run build)\n");
  execFileSync(process.execPath, [path.join(root, "scripts", "gen-bindings.js"), "--if-stale"], { stdio: "inherit", cwd: root });
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.json")], { stdio: "inherit", cwd: root });
}

try {
  const { buildApp } = require(path.join(root, "dist", "main.js"));
  buildApp().app.synth();
} catch (e) {
  process.stderr.write(`[synth] failed: ${e.message}\n`);
  process.exit(1);
}
if (!process.argv.includes("--app-only")) {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stderr.write(`[synth] wrote cdktf.out/stacks/authentik/cdk.tf.json in ${ms.toFixed(0)} ms\n`);
}
