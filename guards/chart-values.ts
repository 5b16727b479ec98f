/**
 * AK008 Chart values. Values the chart doesn't read are silently inert: keys the pinned chart doesn't
 * have (server.strategy; the chart reads deploymentStrategy), and, with authentik.existingSecret set,
 * everything under authentik.* (the chart then renders no AUTHENTIK_* Secret). Server and worker must
 * agree on AUTHENTIK_SESSIONS__UNAUTHENTICATED_AGE.
 */
import { valueKeyPaths } from "../lib/values";
import { helmValues } from "./read/stack-json";
import { Finding, Guard, finder } from "./types";

const ID = "AK008";
const f = finder(ID);

/**
 * Keys the chart consumes without listing them, with the reason. Keep this short and reasoned.
 * - authentik.*: the chart's secret template walks the whole `authentik` map and renders each leaf as
 *   AUTHENTIK_<PATH> (so any authentik key is read, listed or not; whether it is inert is a separate check).
 */
export const CHART_KEY_ALLOW_LIST: ReadonlyArray<{ prefix: string; reason: string }> = [
  { prefix: "authentik.", reason: "the chart renders every authentik.* leaf into AUTHENTIK_* env by walking the map" },
];

const SESSION_AGE = "AUTHENTIK_SESSIONS__UNAUTHENTICATED_AGE";

/** authentik.postgresql.conn_max_age -> AUTHENTIK_POSTGRESQL__CONN_MAX_AGE */
export function envNameFor(path: string): string {
  return "AUTHENTIK_" + path.replace(/^authentik\./, "").split(".").map((s) => s.toUpperCase()).join("__");
}

/** Whether a value path is a chart key, or lies under a free-form map/list key. */
function known(path: string, keys: ReadonlySet<string>): boolean {
  if (keys.has(path)) return true;
  const parts = path.split(".");
  for (let i = parts.length - 1; i > 0; i--) if (keys.has(parts.slice(0, i).join(".") + "/")) return true;
  return CHART_KEY_ALLOW_LIST.some((a) => path.startsWith(a.prefix));
}

/** Keys list (one key a line; free-form map/list keys are marked by the caller with a trailing '/'). */
export const chartValuesGuard: Guard = {
  id: ID,
  name: "chart-values",
  protects: "Helm values actually reaching the pods (no silently inert keys)",
  check: (ctx) =>
    helmValues(ctx).flatMap((h) => {
      const out: Finding[] = [];
      if (h.error || !h.values) {
        return [f("error", { address: h.address, attribute: "values[0]", message: h.error ?? "values unreadable", expected: "a YAML mapping", actual: "unreadable", fix: "Send the values file's text verbatim (values/authentik.yaml)." })];
      }
      const keys = ctx.chartKeys?.get(String(h.chartVersion));
      const paths = valueKeyPaths(h.values.raw);
      if (!keys) {
        out.push(f("warning", { address: h.address, attribute: "version", message: `no key list for chart version ${h.chartVersion}; values cannot be checked against the chart`, expected: `values/chart-${h.chartVersion}-keys.txt`, actual: "absent", fix: "Add the chart's key list for this version (helm show values, flattened) when bumping the chart." }));
      } else {
        const reported = new Set<string>();
        for (const p of paths) {
          if (known(p, keys)) continue;
          // report the shortest unknown prefix once (server.strategy, not each leaf under it)
          const parts = p.split(".");
          let prefix = p;
          for (let i = 1; i <= parts.length; i++) {
            const cand = parts.slice(0, i).join(".");
            if (!keys.has(cand) && ![...keys].some((k) => k.startsWith(cand + ".") || k === cand + "/")) { prefix = cand; break; }
          }
          if (reported.has(prefix)) continue;
          reported.add(prefix);
          const section = parts[0];
          const hint = parts[1] === "strategy" && keys.has(`${section}.deploymentStrategy`) ? ` (the chart reads ${section}.deploymentStrategy)` : "";
          out.push(f("warning", { address: h.address, attribute: `values.${prefix}`, message: `${prefix} is not a key of chart ${h.chartVersion}${hint}, so it has no effect`, expected: "a chart key", actual: prefix, fix: hint ? `Move it to ${section}.deploymentStrategy in a deliberate change (it changes the rollout behaviour), or remove it.` : "Remove it or move it to the key the chart reads." }));
        }
      }
      if (h.values.existingSecretName) {
        for (const p of paths.filter((x) => x.startsWith("authentik.") && !x.startsWith("authentik.existingSecret."))) {
          out.push(f("warning", { address: h.address, attribute: `values.${p}`, message: `${p} is inert: authentik.existingSecret is set, so the chart renders no AUTHENTIK_* Secret from authentik.*`, expected: `${envNameFor(p)} in server.env and worker.env`, actual: `${p} under authentik.*`, fix: `Move it to server.env and worker.env as ${envNameFor(p)} (or into the ${h.values.existingSecretName} Secret) in a deliberate change.` }));
        }
      }
      const age = (env: readonly { name: string; value?: string }[]) => env.find((e) => e.name === SESSION_AGE)?.value;
      const s = age(h.values.serverEnv);
      const w = age(h.values.workerEnv);
      if (s !== w) {
        out.push(f("error", { address: h.address, attribute: "values.server.env / values.worker.env", message: `${SESSION_AGE} differs between server and worker; anonymous sessions are created by one and reaped by the other`, expected: `the same value in both (server: ${s ?? "unset"})`, actual: `worker: ${w ?? "unset"}`, fix: `Set ${SESSION_AGE} identically in server.env and worker.env.` }));
      }
      return out;
    }),
};
