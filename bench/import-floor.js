#!/usr/bin/env node
// The floor under synth: a node start that only imports cdktf and the provider classes the stack uses.
// `--barrel` imports the prebuilt providers through their package index instead of by submodule.
"use strict";
require("cdktf");
if (process.argv.includes("--barrel")) {
  require("@cdktf/provider-kubernetes");
  require("@cdktf/provider-helm");
} else {
  for (const m of ["provider", "namespace", "resource-quota", "secret", "config-map", "deployment", "pod-disruption-budget-v1", "service", "ingress-v1"]) require(`@cdktf/provider-kubernetes/lib/${m}`);
  for (const m of ["provider", "release"]) require(`@cdktf/provider-helm/lib/${m}`);
}
const gen = require("path").join(__dirname, "..", "dist", ".gen", "providers");
for (const p of ["authentik/provider", "authentik/outpost", "authentik/provider-proxy", "authentik/application", "authentik/stage-user-login", "authentik/data-authentik-flow", "vault/provider", "vault/data-vault-kv-secret-v2", "cloudflare/provider", "cloudflare/record"]) require(`${gen}/${p}`);
