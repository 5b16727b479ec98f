#!/usr/bin/env node
// Writes config/override.schema.json, the JSON Schema of the AUTHENTIK_STACK_CONFIG override file, from
// config/schema.ts (compiled: run `npm run build` first; `npm run gen:config-schema` does both).
// __tests__/config/schema.test.ts fails when the committed file differs from what this writes.
"use strict";
const fs = require("fs");
const path = require("path");
const root = path.resolve(__dirname, "..");
const { overrideJsonSchema } = require(path.join(root, "dist", "config", "json-schema.js"));
const { DEFAULT_CONFIG } = require(path.join(root, "dist", "config", "defaults.js"));
const out = path.join(root, "config", "override.schema.json");
fs.writeFileSync(out, JSON.stringify(overrideJsonSchema(DEFAULT_CONFIG), null, 2) + "\n");
process.stderr.write(`wrote ${path.relative(root, out)}\n`);
