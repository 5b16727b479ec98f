#!/usr/bin/env node
// Generates TypeScript bindings for the providers that have no matching prebuilt @cdktf package,
// from the provider schemas committed in schemas/ (the output of `terraform providers schema -json`,
// or, where the provider cannot be built here, a schema read off its source: see README).
//
//   node scripts/gen-bindings.js             regenerate .gen/ (never edit .gen/ by hand)
//   node scripts/gen-bindings.js --if-stale  regenerate only when a schema or this script changed
//
// Only the resources and data sources the stack uses are generated: the full goauthentik schema has
// 94 resources, and compiling all of them would slow every build for nothing. The full schema stays
// committed (the AK004 guard reads it).
"use strict";
const fs = require("fs");
const path = require("path");
const crypto = require("crypto");

const root = path.resolve(__dirname, "..");
const outDir = path.join(root, ".gen");

/** What the stack uses of each provider. Add a type here to get its binding. */
const PROVIDERS = {
  authentik: {
    schema: "schemas/authentik.json",
    resources: [
      "authentik_outpost", "authentik_provider_proxy", "authentik_application", "authentik_stage_user_login",
      // the identity layer (constructs/identity/)
      "authentik_group", "authentik_flow", "authentik_flow_stage_binding", "authentik_stage_invitation",
      "authentik_stage_identification", "authentik_stage_prompt", "authentik_stage_prompt_field",
      "authentik_stage_user_write", "authentik_policy_expression", "authentik_policy_reputation", "authentik_policy_binding",
    ],
    dataSources: ["authentik_flow", "authentik_source"],
  },
  vault: { schema: "schemas/vault.json", resources: [], dataSources: ["vault_kv_secret_v2"] },
  cloudflare: { schema: "schemas/cloudflare.json", resources: ["cloudflare_record"], dataSources: [] },
};

function filtered(name, spec) {
  const full = JSON.parse(fs.readFileSync(path.join(root, spec.schema), "utf8"));
  const [source, provider] = Object.entries(full.provider_schemas)[0];
  const pick = (all, wanted, kind) =>
    Object.fromEntries(
      wanted.map((t) => {
        if (!all || !all[t]) {
          throw new Error(`${spec.schema}: ${kind} ${t} is not in the schema of ${source}; allowed: the ${kind}s that schema lists. Fix: remove it from PROVIDERS in scripts/gen-bindings.js, or regenerate the schema from a provider that has it (README, Providers).`);
        }
        return [t, all[t]];
      }),
    );
  return {
    format_version: full.format_version,
    provider_schemas: {
      [source]: {
        provider: provider.provider,
        resource_schemas: pick(provider.resource_schemas, spec.resources, "resource"),
        data_source_schemas: pick(provider.data_source_schemas, spec.dataSources, "data source"),
      },
    },
  };
}

function fingerprint() {
  const h = crypto.createHash("sha256");
  h.update(fs.readFileSync(__filename));
  for (const spec of Object.values(PROVIDERS)) h.update(fs.readFileSync(path.join(root, spec.schema)));
  return h.digest("hex");
}

async function main() {
  const stamp = path.join(outDir, ".fingerprint");
  const want = fingerprint();
  if (process.argv.includes("--if-stale") && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === want) return;
  const started = Date.now();
  process.env.CHECKPOINT_DISABLE = "1"; // no telemetry calls (and no error lines) from the generator
  const { TerraformProviderGenerator, CodeMaker } = require("@cdktf/provider-generator");
  fs.rmSync(outDir, { recursive: true, force: true });
  for (const [name, spec] of Object.entries(PROVIDERS)) {
    const code = new CodeMaker();
    new TerraformProviderGenerator(code, filtered(name, spec)).generateAll();
    await code.save(outDir);
  }
  fs.writeFileSync(stamp, want);
  console.error(`[gen] provider bindings written to .gen/providers in ${Date.now() - started} ms`);
}

main().catch((e) => {
  console.error(`[gen] ${e.message}`);
  process.exit(1);
});
