/**
 * AK007 Alert matchers. The alert rules must select the series of the objects this stack runs: the
 * 400-spike rule's `service` matcher must match the outpost's Traefik service label (it once named
 * `authentik-authentik-outpost.*`, which matched nothing, so the alert could never fire), the pod
 * matchers the outpost's pods, and the fallback rule the entrypoint the ingresses use.
 */
import { OUTPUTS, outpostObjectName } from "../config";
import { matcherAccepts } from "../lib/promql";
import { alertGroups, block, blocks, outposts, resourcesOf } from "./read/stack-json";
import { Finding, Guard, StackJson, finder } from "./types";

const ID = "AK007";
const f = finder(ID);
export const OUTPUT_ADDRESS = `output.${OUTPUTS.alertRules}`;

/** label matchers in a PromQL expression: [label, op, value]. */
export function matchersIn(expr: string): Array<{ label: string; op: string; value: string }> {
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;
  const out = [];
  for (let m = re.exec(expr); m; m = re.exec(expr)) out.push({ label: m[1], op: m[2], value: m[3].replace(/\\\\/g, "\\").replace(/\\"/g, '"') });
  return out;
}

/** Whether a positive matcher (= or =~) accepts a value; negative matchers exclude series and are not judged. */
const positive = (op: string) => op === "=" || op === "=~";
const accepts = (op: string, value: string, v: string) => matcherAccepts({ label: "", op: op as "=" | "=~", value }, v);

/** What the synthesized stack says the outpost's series are named. */
export function outpostSeriesNames(stack: StackJson): { traefikService?: string; podName?: string; entrypoints: string[]; namespace?: string } {
  const o = outposts(stack).find((x) => x.config);
  const entrypoints = resourcesOf(stack, "kubernetes_ingress_v1")
    .map((i) => block(i.values.metadata)?.annotations?.["traefik.ingress.kubernetes.io/router.entrypoints"])
    .filter((e): e is string => typeof e === "string");
  if (!o) return { entrypoints };
  const ns = o.config.kubernetes_namespace;
  const svc = outpostObjectName({ name: o.values.name, objectNamingTemplate: o.config.object_naming_template });
  // the port Traefik routes to: the backend port of the ingress that points at the outpost Service
  let port: number | undefined;
  for (const i of resourcesOf(stack, "kubernetes_ingress_v1")) {
    for (const rule of blocks(block(i.values.spec)?.rule)) {
      for (const p of blocks(block(rule.http)?.path)) {
        const s = block(block(p.backend)?.service);
        if (s?.name === svc) port = block(s.port)?.number;
      }
    }
  }
  return {
    namespace: ns,
    traefikService: port !== undefined ? `${ns}-${svc}-${port}@kubernetes` : undefined,
    // a Deployment's pods are named <deployment>-<replicaset hash>-<pod suffix>; any such name will do
    podName: `${svc}-5d8f7c9b6d-x2x7q`,
    entrypoints,
  };
}

export const alertMatchersGuard: Guard = {
  id: ID,
  name: "alert-matchers",
  protects: "alerts selecting the series of the objects this stack actually runs",
  check: ({ stack }) => {
    const groups = alertGroups(stack);
    if (!groups) {
      return [f("error", { address: OUTPUT_ADDRESS, attribute: "value", message: "the stack publishes no alert rules", expected: "the rule file in output alerting_rules_yaml", actual: "absent or not YAML", fix: "Keep the AlertRules construct in the stack." })];
    }
    const names = outpostSeriesNames(stack);
    const out: Finding[] = [];
    // Stryker disable next-line ArrayDeclaration: a rule spread from a made-up string has no alert and no expr, so nothing reads it
    const rules = groups.flatMap((g: any) => (g.rules ?? []).map((r: any) => ({ group: g.name, ...r })));
    const at = (r: any) => `groups["${r.group}"].rules["${r.alert}"].expr`;
    const spike = rules.find((r: any) => r.alert === "AuthentikOutpostForwardAuth400Spike");
    if (!spike) out.push(f("error", { address: OUTPUT_ADDRESS, attribute: "groups", message: "the 400-spike rule is missing", expected: "AuthentikOutpostForwardAuth400Spike", actual: "absent", fix: "Keep buildAlertGroups() output." }));
    for (const r of rules) {
      for (const m of matchersIn(String(r.expr ?? ""))) {
        if (m.label === "service" && positive(m.op) && names.traefikService && !accepts(m.op, m.value, names.traefikService)) {
          out.push(f("error", { address: OUTPUT_ADDRESS, attribute: at(r), message: `service matcher ${m.op}"${m.value}" does not match the outpost's Traefik service label, so ${r.alert} can never fire`, expected: `a matcher accepting ${names.traefikService}`, actual: `service${m.op}"${m.value}"`, fix: "Build the matcher with hasPrefix('service', `${namespace}-${objectNamePrefix}`) (lib/promql.ts)." }));
        }
        if (m.label === "pod" && names.podName && positive(m.op) && !accepts(m.op, m.value, names.podName)) {
          out.push(f("error", { address: OUTPUT_ADDRESS, attribute: at(r), message: `pod matcher ${m.op}"${m.value}" does not match the outpost's pods`, expected: `a matcher accepting ${names.podName}`, actual: `pod${m.op}"${m.value}"`, fix: "Derive it from the object naming template (alertMatchers())." }));
        }
        if (m.label === "namespace" && names.namespace && m.op === "=" && m.value !== names.namespace) {
          out.push(f("error", { address: OUTPUT_ADDRESS, attribute: at(r), message: `namespace matcher names '${m.value}', not the stack's namespace`, expected: names.namespace, actual: m.value, fix: "Derive the namespace from config.namespace." }));
        }
        if (m.label === "entrypoint" && m.op === "=" && names.entrypoints.length && !names.entrypoints.includes(m.value)) {
          out.push(f("error", { address: OUTPUT_ADDRESS, attribute: at(r), message: `entrypoint matcher names '${m.value}', which no ingress of this stack uses`, expected: [...new Set(names.entrypoints)].join(" or "), actual: m.value, fix: "Derive it from config.ingress.entrypoint." }));
        }
      }
    }
    return out;
  },
};
