#!/usr/bin/env node
// `npm run synth`: synthesizes cdktf.out/stacks/authentik/cdk.tf.json with plain node (no ts-node).
// Recompiles first only when a TypeScript source or schema is newer than the last build, so an
// unchanged tree pays nothing but node's start-up and the app itself.
//   --app-only   used by `cdktf synth` (cdktf.json "app"): same, without the summary line and the
//                annotations (cdktf prints those from the manifest).
// Exit codes: 0 written; 1 synth failed (a guard error, a bad config), nothing written; 3 `cdktf diff`/
// `deploy` without PG_CONN_STR or a Vault token.
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
  ...new Set(JSON.parse(fs.readFileSync(path.join(root, "tsconfig.build.json"), "utf8")).include.map((g) => g.split("/")[0])),
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
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit", cwd: root });
  fs.writeFileSync(stamp, new Date().toISOString() + "\n");
}

// `cdktf diff` / `deploy` run this entry before terraform: refuse early, with what to set, when the pg
// backend's connection string or a Vault token is missing (terraform would fail later with
// `dial tcp 127.0.0.1:5432` or a Vault 403 and no hint).
const cdktfCmd = cdktfCommand();
if (cdktfCmd && ["diff", "deploy", "plan", "apply", "destroy"].includes(cdktfCmd)) {
  const missing = [];
  if (!process.env.PG_CONN_STR) missing.push("PG_CONN_STR (the pg state backend's connection string: export PG_CONN_STR=postgres://...)");
  if (!process.env.VAULT_TOKEN && !fs.existsSync(path.join(require("os").homedir(), ".vault-token"))) {
    missing.push("a Vault token (run `vault login`, or export VAULT_TOKEN; secrets are read at plan time)");
  }
  if (missing.length) {
    process.stderr.write(`[synth] cdktf ${cdktfCmd} needs ${missing.join(" and ")}; set them and rerun. Nothing was planned.\n`);
    process.exit(3);
  }
}

try {
  const { buildApp } = require(path.join(root, "dist", "app.js"));
  const { app } = buildApp();
  app.synth();
  if (!process.argv.includes("--app-only")) {
    // cdktf prints the manifest's annotations itself; plain `npm run synth` prints them here
    const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, "manifest.json"), "utf8"));
    for (const s of Object.values(manifest.stacks)) {
      for (const a of s.annotations ?? []) {
        const level = { "@cdktf/info": "INFO", "@cdktf/warn": "WARN", "@cdktf/error": "ERROR" }[a.level] ?? a.level;
        process.stderr.write(`${level} [${a.constructPath}]: ${a.message}\n`);
      }
    }
  }
} catch (e) {
  // bad config or input: one line per problem, exit 2 (cli/exit-codes.ts); guard errors and the rest: exit 1
  if (e && e.name === "ConfigError" && Array.isArray(e.problems)) {
    for (const p of e.problems) process.stderr.write(`[synth] ${String(p).replace(/\s*\n\s*/g, " ")}\n`);
    process.exit(2);
  }
  process.stderr.write(`[synth] failed: ${e.message}\n`);
  process.exit(1);
}
if (!process.argv.includes("--app-only")) {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stderr.write(`[synth] wrote cdktf.out/stacks/authentik/cdk.tf.json in ${ms.toFixed(0)} ms\n`);
}

/** The cdktf command (synth, diff, deploy...) an ancestor process runs, read from /proc; undefined elsewhere. */
function cdktfCommand() {
  let pid = process.ppid;
  for (let depth = 0; depth < 8 && pid > 1; depth++) {
    let argv, stat;
    try {
      argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
      stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      return undefined;
    }
    const i = argv.findIndex((a) => path.basename(a) === "cdktf" || /cdktf-cli[\\/].*bin[\\/]cdktf(\.js)?$/.test(a));
    if (i >= 0) return argv.slice(i + 1).find((a) => !a.startsWith("-"));
    pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  }
  return undefined;
}
