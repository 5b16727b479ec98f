#!/usr/bin/env node
// Entry point of `npx authentik-stack`; the compiled CLI lives in dist/ (built by `npm ci` / `npm run build`).
"use strict";
const path = require("path");
const fs = require("fs");
const entry = path.join(__dirname, "..", "dist", "cli", "main.js");
if (!fs.existsSync(entry)) {
  process.stderr.write("authentik-stack: not built yet; run `npm run build` (npm ci does it)\n");
  process.exit(2);
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((e) => {
    process.stderr.write(`authentik-stack: ${e.stack || e.message}\n`);
    process.exit(1);
  });
