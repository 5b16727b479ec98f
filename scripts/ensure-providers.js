#!/usr/bin/env node
// Makes sure the offline provider mirror exists (scripts/build-providers.sh; reused when cached), so
// the terraform-backed tests run against real provider builds. Fails loudly when it can't be built.
"use strict";
const { execFileSync } = require("child_process");
const path = require("path");
try {
  execFileSync("bash", [path.join(__dirname, "build-providers.sh")], { stdio: ["ignore", "inherit", "inherit"] });
} catch (e) {
  process.stderr.write("ensure-providers: the provider mirror could not be built; the terraform tests need it (see README, Providers)\n");
  process.exit(1);
}
