#!/usr/bin/env node
// One synth of the stack with N extra proxy applications (2N extra resources), in a fresh process.
// Prints one JSON line: {n, guards, ms, maxRssMB, resources}. Usage: node bench/synth-n.js N [--no-guards]
"use strict";
const t0 = process.hrtime.bigint();
const fs = require("fs");
const os = require("os");
const path = require("path");
const { buildApp } = require(path.join(__dirname, "..", "dist", "main.js"));
const n = Number(process.argv[2] || 0);
const guards = !process.argv.includes("--no-guards");
const extra = Array.from({ length: n }, (_, i) => ({
  resourceName: `bench_${i}`,
  providerName: `Bench provider ${i}`,
  applicationName: `Bench app ${i}`,
  slug: `bench-app-${i}`,
  mode: "forward_single",
  accessTokenValidity: "hours=12",
}));
const out = fs.mkdtempSync(path.join(os.tmpdir(), "ak-bench-"));
const { app } = buildApp(out, { extraProxyApplications: extra }, { guards });
app.synth();
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const json = JSON.parse(fs.readFileSync(path.join(out, "stacks", "authentik", "cdk.tf.json"), "utf8"));
const resources = Object.values(json.resource).reduce((k, byName) => k + Object.keys(byName).length, 0);
fs.rmSync(out, { recursive: true, force: true });
process.stdout.write(JSON.stringify({ n, guards, ms, maxRssMB: process.resourceUsage().maxRSS / 1024, resources }) + "\n");
