#!/usr/bin/env node
// Entry point of `npx authentik-stack`; the compiled CLI lives in dist/ (built by `npm ci` / `npm run build`).
// main() never throws; the handlers below are the last line: one line, exit 3, never a stack trace.
// A reader that stops early (`authentik-stack box status | head -1`) closes the pipe: that is normal use,
// not a bug; dist/io/stdio.js drops the rest of the output quietly, the command runs to its end and the
// exit code is the command's own. Any other write error (a full disk: ENOSPC) is one line and exit 3.
"use strict";
const path = require("path");
const fs = require("fs");
const dist = path.join(__dirname, "..", "dist");
const entry = path.join(dist, "cli", "main.js");
if (!fs.existsSync(entry)) {
  process.stderr.write("authentik-stack: not built yet; run `npm run build` (npm ci does it)\n");
  process.exit(3);
}
/** dist/ from an older checkout lacks a module the sources now have: say so in one line, not a stack. */
function load(file) {
  try {
    return require(file);
  } catch (e) {
    if (!e || e.code !== "MODULE_NOT_FOUND") throw e;
    const missing = (/Cannot find module '([^']+)'/.exec(String(e.message)) || [])[1] || file;
    process.stderr.write(`authentik-stack: dist/ is out of date (${path.isAbsolute(missing) ? path.relative(path.join(__dirname, ".."), missing) : missing} is missing); run \`npm run build\`\n`);
    process.exit(3);
  }
}
const stdio = load(path.join(dist, "io", "stdio.js"));
stdio.guardStdio();
const last = (e) => {
  stdio.write("stderr", `authentik-stack: internal error (a bug; please report it): ${String((e && e.message) || e).split("\n")[0]}\n`);
  process.exit(3);
};
process.on("uncaughtException", last);
process.on("unhandledRejection", last);
// write errors are reported asynchronously, possibly after main() returned: judge them at the very end
process.on("exit", () => {
  const failure = stdio.writeFailure();
  if (failure === undefined) return;
  stdio.write("stderr", `authentik-stack: ${failure}; the output is incomplete. Fix: free space on (or fix) where the output goes\n`);
  process.exitCode = 3;
});
load(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  }, last);
