#!/usr/bin/env node
// Prints the closing line of `npm test` across the three jest projects: "N passed, N failed[, N skipped]".
"use strict";
const fs = require("fs");
const path = require("path");
const dir = path.join(__dirname, "..", ".jest-results");
let passed = 0, failed = 0, skipped = 0;
// the projects npm test runs, as jest.config.js declares them
for (const f of require("../jest.config.js").projects.map((p) => p.displayName)) {
  const file = path.join(dir, `${f}.json`);
  if (!fs.existsSync(file)) { process.stderr.write(`test-summary: ${f} did not run\n`); failed++; continue; }
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed ? 1 : 0);
