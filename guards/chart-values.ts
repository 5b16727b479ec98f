/**
 * AK008 Chart values. A value the chart doesn't read is silently inert: a key the chart doesn't have
 * (server.strategy; the chart reads deploymentStrategy), or, with authentik.existingSecret set, everything
 * under authentik.* (the chart then renders no AUTHENTIK_* Secret). Server and worker must agree on
 * AUTHENTIK_SESSIONS__UNAUTHENTICATED_AGE (one creates anonymous sessions, the other reaps them).
 * Every decision comes from the chart itself, per chart version: model/charts/<version>.json, generated
 * by `npm run chart-facts` from the chart's values.yaml and real `helm template` renders (no key list
 * kept by hand). Values the facts were not rendered with are judged by what the facts probed: a key
 * added under each map of the values file, and which values lists become the containers' env.
 */
import { ChartFacts, envNameFor, firstUnknownPrefix, isChartKey, leafPaths, newKeyEffect, similarKeys, valueAt, InertReason } from "../model/chart-facts";
import { helmValues } from "./read/stack-json";
import { Finding, Guard, finder } from "./types";

const ID = "AK008";
const f = finder(ID);
const SESSION_AGE = "AUTHENTIK_SESSIONS__UNAUTHENTICATED_AGE";
const SECRET_NAME = "authentik.existingSecret.secretName";

/** How the chart treats one leaf of these values: "read", or why it is inert. */
function effectOf(facts: ChartFacts, raw: unknown, path: string): "read" | InertReason {
  const hasSecret = typeof valueAt(raw, SECRET_NAME) === "string" && valueAt(raw, SECRET_NAME) !== "";
  const decided = facts.leaves[path];
  if (decided !== undefined) return decided === "existing-secret" && !hasSecret ? "read" : decided;
  const probed = newKeyEffect(facts, path);
  if (probed?.effect === "existing-secret") return hasSecret ? "existing-secret" : "read";
  if (isChartKey(facts, path)) return "read";
  return probed?.effect === "read" ? "read" : "not-a-chart-key";
}

/** The env the chart gives a component's container from these values (later lists override earlier names). */
function containerEnv(facts: ChartFacts, raw: unknown, component: "server" | "worker"): Map<string, { source: string; value: string }> {
  const env = new Map<string, { source: string; value: string }>();
  for (const source of facts.envSources[component]) {
    const list = valueAt(raw, source);
    if (!Array.isArray(list)) continue;
    for (const e of list) {
      if (typeof e?.name === "string") {
        env.set(e.name, { source, value: "value" in e ? String(e.value) : JSON.stringify(e.valueFrom ?? null) });
      }
    }
  }
  return env;
}

export const chartValuesGuard: Guard = {
  id: ID,
  name: "chart-values",
  protects: "Helm values actually reaching the pods (no silently inert keys), decided from the chart version's own render",
  check: (ctx) =>
    helmValues(ctx).flatMap((h) => {
      const out: Finding[] = [];
      if (!h.values) {
        return [f("error", { address: h.address, attribute: "values[0]", message: h.error!, expected: "a YAML mapping", actual: "unreadable", fix: "Send the values file's text verbatim (values/authentik.yaml)." })];
      }
      const version = String(h.chartVersion);
      const facts = ctx.chartFacts?.get(version);
      if (!facts) {
        return [
          f("warning", { address: h.address, attribute: "version", message: `no chart facts for chart version ${version}; the values are not checked against that chart (inert keys, server/worker env)`, expected: `model/charts/${version}.json`, actual: "absent", fix: `Run \`npm run chart-facts -- ${version}\` (needs ../shared/upstream/charts/authentik-${version}.src.tar.gz) and commit model/charts/${version}.json.` }),
        ];
      }
      const raw = h.values.raw;
      const reported = new Set<string>();
      for (const p of leafPaths(raw)) {
        const effect = effectOf(facts, raw, p);
        if (effect === "read") continue;
        if (effect === "not-a-chart-key") {
          const prefix = firstUnknownPrefix(facts, p);
          if (reported.has(prefix)) continue;
          reported.add(prefix);
          const similar = similarKeys(facts, prefix);
          const hint = similar.length ? ` (the chart reads ${similar.join(", ")})` : "";
          out.push(f("warning", { address: h.address, attribute: `values.${prefix}`, message: `${prefix} is not a key of chart ${version}${hint}, so it has no effect`, expected: "a chart key", actual: prefix, fix: similar.length ? `Move it to ${similar[0]} in a deliberate change (it changes what the chart renders), or remove it.` : "Remove it or move it to the key the chart reads." }));
        } else if (effect === "existing-secret") {
          out.push(f("warning", { address: h.address, attribute: `values.${p}`, message: `${p} is inert: authentik.existingSecret is set, so the chart renders no AUTHENTIK_* Secret from authentik.*`, expected: `${envNameFor(p)} in server.env and worker.env`, actual: `${p} under authentik.*`, fix: `Move it to server.env and worker.env as ${envNameFor(p)} (or into the ${h.values.existingSecretName} Secret) in a deliberate change.` }));
        } else {
          out.push(f("warning", { address: h.address, attribute: `values.${p}`, message: `${p} is a key of chart ${version}, but removing or changing it changes nothing the chart renders with these values`, expected: "a value that takes effect", actual: p, fix: "Remove it, or set what it depends on, in a deliberate change." }));
        }
      }
      const server = containerEnv(facts, raw, "server");
      const worker = containerEnv(facts, raw, "worker");
      const names = [...new Set([...server.keys(), ...worker.keys()])].filter((n) => n.startsWith("AUTHENTIK_")).sort();
      for (const name of names) {
        const s = server.get(name);
        const w = worker.get(name);
        if (s?.value === w?.value) continue;
        const attribute = `values.${s?.source ?? "server.env"} / values.${w?.source ?? "worker.env"}`;
        if (name === SESSION_AGE) {
          out.push(f("error", { address: h.address, attribute, message: `${SESSION_AGE} differs between server and worker; anonymous sessions are created by one and reaped by the other`, expected: `the same value in both (server: ${s?.value ?? "unset"})`, actual: `worker: ${w?.value ?? "unset"}`, fix: `Set ${SESSION_AGE} identically in server.env and worker.env.` }));
        } else {
          out.push(f("warning", { address: h.address, attribute, message: `${name} differs between the server and worker containers; authentik reads one configuration in both`, expected: `the same value in both (server: ${s ? "set" : "unset"})`, actual: `worker: ${w ? "set" : "unset"}${s && w ? ", different" : ""}`, fix: `Set ${name} identically in both, or say why not in an acknowledgement.` }));
        }
      }
      return out;
    }),
};
