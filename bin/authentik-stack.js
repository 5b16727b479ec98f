#!/usr/bin/env node
// Entry point of `npx authentik-stack`; the compiled CLI lives in dist/ (built by `npm ci` / `npm run build`).
// main() never throws; the handlers below are the last line: one line, exit 3, never a stack trace.
"use strict";
const path = require("path");
const fs = require("fs");
const entry = path.join(__dirname, "..", "dist", "cli", "main.js");
if (!fs.existsSync(entry)) {
  process.stderr.write("authentik-stack: not built yet; run `npm run build` (npm ci does it)\n");
  process.exit(3);
}
const last = (e) => {
  process.stderr.write(`authentik-stack: internal error (a bug; please report it): ${String((e && e.message) || e).split("\n")[0]}\n`);
  process.exit(3);
};
// A reader that stops early (`authentik-stack box status | head -1`) closes the pipe: that is normal use,
// not a bug, so stop quietly with the code so far, as Unix tools do.
process.stdout.on("error", (e) => (e && e.code === "EPIPE" ? process.exit(process.exitCode ?? 0) : last(e)));
process.on("uncaughtException", last);
process.on("unhandledRejection", last);
require(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  }, last);
