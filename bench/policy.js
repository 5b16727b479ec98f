// Plan-policy cost: runPolicy over plans of N resource changes plus a helm_release values update
// (the expensive case: PL002-PL004 parse the values YAML). `npm run build && node bench/policy.js`.
const { runPolicy } = require(require("path").join(__dirname, "..", "dist", "policy"));
const fs = require("fs");
const values = fs.readFileSync(require("path").join(__dirname, "..", "values", "authentik.yaml"), "utf8");
function plan(n) {
  const rcs = [];
  for (let i = 0; i < n; i++) rcs.push({ address: `authentik_provider_proxy.p${i}`, mode: "managed", type: "authentik_provider_proxy", name: `p${i}`, change: { actions: ["update"], before: { access_token_validity: "weeks=4", name: `p${i}` }, after: { access_token_validity: "weeks=2", name: `p${i}` }, after_unknown: {} } });
  const attrs = { name: "goauthentik", namespace: "authentik", chart: "authentik", version: "2026.2.2", values: [values] };
  rcs.push({ address: "helm_release.authentik", mode: "managed", type: "helm_release", name: "authentik", change: { actions: ["update"], before: attrs, after: { ...attrs, values: ["# x\n" + values] }, after_unknown: { metadata: true } } });
  return { format_version: "1.2", resource_changes: rcs };
}
const facts = { releases: { "helm_release.authentik": { running: [{ image: "ghcr.io/goauthentik/server:2026.2.2", source: "d" }], targetAppVersion: "2026.2.2" } } };
for (const n of [17, 100, 1000, 10000]) {
  const p = JSON.parse(JSON.stringify(plan(n)));
  runPolicy(p, facts);
  const t = process.hrtime.bigint();
  const reps = n > 1000 ? 3 : 20;
  let r;
  for (let i = 0; i < reps; i++) r = runPolicy(p, facts);
  console.log(`resource_changes=${n + 1}: ${(Number(process.hrtime.bigint() - t) / 1e6 / reps).toFixed(2)} ms per runPolicy, findings=${r.findings.length}`);
}
