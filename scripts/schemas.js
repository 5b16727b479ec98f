#!/usr/bin/env node
// `npm run schemas`: writes schemas/<type>.json, the provider schemas the bindings are generated from, as
// the real provider builds at the pinned versions report them (`terraform providers schema -json` against
// the mirror of scripts/build-providers.sh). Committed, so `npm ci && npm run synth` needs neither Go nor
// terraform. vault and cloudflare are filtered to the types the stack uses (their full schemas are large);
// goauthentik is kept whole (AK004 reads it, the identity layer needs more of its types).
//
//   node scripts/schemas.js           regenerate schemas/ (builds the mirror first if needed)
//   node scripts/schemas.js --check   compare instead of writing: exit 1 and name the files that differ
// Exit codes: 0 written / identical, 1 differs (--check), 2 usage, 3 could not run (no terraform, no mirror).
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { execFileSync, spawnSync } = require("child_process");
const { PROVIDERS } = require("./gen-bindings");

const root = path.resolve(__dirname, "..");
const cache = process.env.AUTHENTIK_STACK_CACHE || path.join(os.homedir(), ".cache", "authentik-stack");
const USAGE = "usage: node scripts/schemas.js [--check] [--help]";

function die(code, msg) {
  process.stderr.write(`schemas: ${msg}\n`);
  process.exit(code);
}

/** The pinned providers (terraform/providers.tsv): type -> { source, version }. */
function pins() {
  const out = {};
  for (const line of fs.readFileSync(path.join(root, "terraform", "providers.tsv"), "utf8").split("\n")) {
    if (!line.trim() || line.startsWith("#")) continue;
    const [ns, type, version] = line.split("\t");
    out[type] = { source: `${ns}/${type}`, version };
  }
  return out;
}

/** The schemas the real providers report, keyed by type. */
function readSchemas(wanted) {
  const r = spawnSync("bash", [path.join(__dirname, "build-providers.sh"), ...Object.keys(wanted)], { stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) die(3, "the provider mirror could not be built (see above)");
  const info = JSON.parse(fs.readFileSync(path.join(cache, "providers.json"), "utf8"));
  if (info.source !== "mirror") die(3, "no provider mirror (no ../shared/upstream): the committed schemas stay as they are; regenerate them where the archives are");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-schemas-"));
  try {
    const p = pins();
    const required = Object.fromEntries(Object.keys(wanted).map((t) => [t, p[t]]));
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: required } }));
    const env = { ...process.env, TF_CLI_CONFIG_FILE: path.join(cache, "terraformrc"), CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
    const run = (args) => execFileSync("terraform", args, { cwd: dir, env, maxBuffer: 512 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
    try {
      run(["init", "-backend=false", "-input=false", "-no-color"]);
    } catch (e) {
      if (e.code === "ENOENT") die(3, "terraform is not on PATH (README: .ci/run installs it)");
      die(3, `terraform init failed: ${String(e.stderr).trim().split("\n").slice(-3).join(" ")}`);
    }
    const reported = JSON.parse(run(["providers", "schema", "-json"]).toString());
    const all = reported.provider_schemas;
    const out = {};
    for (const type of Object.keys(wanted)) {
      const key = Object.keys(all).find((k) => k.endsWith(`/${p[type].source}`));
      if (!key) die(3, `terraform reported no schema for ${p[type].source}`);
      out[type] = { key, schema: all[key], formatVersion: reported.format_version };
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The committed file for one provider: everything, or only the types the bindings use. */
function committedText(type, spec, { key, schema, formatVersion }) {
  const pick = (all, names) => Object.fromEntries(names.map((n) => [n, all[n]]).filter(([, v]) => v));
  const body =
    spec.committed === "all"
      ? schema
      : { provider: schema.provider, resource_schemas: pick(schema.resource_schemas || {}, spec.resources), data_source_schemas: pick(schema.data_source_schemas || {}, spec.dataSources) };
  const p = pins()[type];
  const doc = {
    "//": `${p.source} ${p.version}: \`terraform providers schema -json\` of the real build (npm run schemas)${spec.committed === "all" ? "" : ", only the types scripts/gen-bindings.js lists"}; do not edit`,
    format_version: formatVersion,
    provider_schemas: { [key.replace(/^registry\.opentofu\.org\//, "registry.terraform.io/")]: body },
  };
  return JSON.stringify(doc, null, 1) + "\n";
}

function main() {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) return console.log(USAGE);
  const bad = args.find((a) => a !== "--check");
  if (bad) die(2, `unknown argument '${bad}'; allowed: --check, --help`);
  const check = args.includes("--check");
  const schemas = readSchemas(PROVIDERS);
  const differ = [];
  for (const [type, spec] of Object.entries(PROVIDERS)) {
    const file = path.join(root, spec.schema);
    const text = committedText(type, spec, schemas[type]);
    const now = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    if (now === text) continue;
    differ.push(spec.schema);
    if (!check) {
      fs.writeFileSync(`${file}.tmp`, text);
      fs.renameSync(`${file}.tmp`, file);
    }
  }
  if (check && differ.length) die(1, `${differ.join(", ")} differ from what the pinned providers report; fix: npm run schemas, then commit`);
  console.error(`schemas: ${differ.length ? `wrote ${differ.join(", ")}` : "unchanged"}`);
}

main();
