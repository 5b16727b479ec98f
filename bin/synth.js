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
// written after every successful build (tsc's own .tsbuildinfo is not rewritten when nothing changed)
const stamp = path.join(root, "dist", ".built");
const started = process.hrtime.bigint();

// what the build compiles (tsconfig "include": its top-level entries) and what the bindings come from
const SOURCES = [
  ...new Set(JSON.parse(fs.readFileSync(path.join(root, "tsconfig.json"), "utf8")).include.map((g) => g.split("/")[0])),
  "schemas",
];
function newestSource(p, newest = 0) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return newest;
  }
  if (!st.isDirectory()) return /\.(ts|json)$/.test(p) ? Math.max(newest, st.mtimeMs) : newest;
  for (const e of fs.readdirSync(p)) newest = newestSource(path.join(p, e), newest);
  return newest;
}

const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
const newest = SOURCES.reduce((n, s) => newestSource(path.join(root, s), n), 0);
if (!fs.existsSync(path.join(root, ".gen", ".fingerprint")) || newest > built) {
  process.stderr.write("[synth] sources changed; compiling (npm run build)\n");
  execFileSync(process.execPath, [path.join(root, "scripts", "gen-bindings.js"), "--if-stale"], { stdio: "inherit", cwd: root });
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.json")], { stdio: "inherit", cwd: root });
  fs.writeFileSync(stamp, new Date().toISOString() + "\n");
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
