/**
 * AK006 Patches apply. The outpost's JSON patches are applied with a real RFC 6902 implementation
 * (fast-json-patch) to the Deployment and Service the controller renders; every op must apply, and the
 * result must stay a working object: the Deployment still selects its own pods, containers and ports
 * survive, every volumeMount names a volume, and env entries are well-formed.
 */
import { outpostEffects } from "./read/outposts";
import { Finding, Guard, finder, shown } from "./types";

const ID = "AK006";
const isObject = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);
const f = finder(ID);

export const patchesApplyGuard: Guard = {
  id: ID,
  name: "patches-apply",
  protects: "the outpost's JSON patches applying cleanly to what the controller renders",
  check: ({ stack, config }) =>
    outpostEffects(stack, config)
      .flatMap((o) => {
        const out: Finding[] = [];
        const r = o.objects;
        for (const fail of r.failures) {
          out.push(f("error", { address: o.address, attribute: `config.kubernetes_json_patches.${fail.kind}[${fail.index}]`, message: `patch '${(fail.op as any)?.op} ${(fail.op as any)?.path}' does not apply to the ${fail.kind} the controller renders (${fail.reason}); the controller rejects the whole patch set`, expected: "a valid RFC 6902 op on an existing path", actual: shown(fail.op), fix: "Build patches with the helpers in lib/json-patch.ts against the objects in model/outpost-controller.ts." }));
        }
        const attr = "config.kubernetes_json_patches.deployment";
        // a patch may replace anything, the whole object included (path ""): read what is left defensively
        const d = isObject(r.deployment) ? r.deployment : {};
        const tmplLabels = d.spec?.template?.metadata?.labels ?? {};
        const selector = d.spec?.selector?.matchLabels;
        if (!isObject(selector) || !Object.keys(selector).length) {
          out.push(f("error", { address: o.address, attribute: attr, message: "after patching, the Deployment has no spec.selector.matchLabels; apps/v1 requires a selector, so the Deployment would be rejected", expected: shown(r.before.deployment.spec.selector.matchLabels), actual: shown(selector), fix: "Never patch /spec/selector of the Deployment; the controller owns it." }));
        }
        for (const [k, v] of Object.entries(isObject(selector) ? selector : {})) {
          if (tmplLabels[k] !== v) out.push(f("error", { address: o.address, attribute: attr, message: `after patching, the pod template lacks ${k}=${v}, which the Deployment's own selector requires; the Deployment would be rejected`, expected: `${k}=${v} on the pod template`, actual: shown(tmplLabels[k]), fix: "Add labels with addPodLabel(); never replace the labels map." }));
        }
        const beforeC = r.before.deployment.spec.template.spec.containers;
        const containers = d.spec?.template?.spec?.containers;
        const afterC: unknown[] = Array.isArray(containers) ? containers : [];
        if (afterC.length !== beforeC.length) out.push(f("error", { address: o.address, attribute: attr, message: "patches change the number of containers", expected: String(beforeC.length), actual: String(afterC.length), fix: "Patch containers/0 fields only." }));
        const podVolumes = d.spec?.template?.spec?.volumes;
        const volumes = new Set((Array.isArray(podVolumes) ? podVolumes : []).map((v: any) => v?.name));
        afterC.forEach((c: any, i: number) => {
          if (JSON.stringify(c?.ports) !== JSON.stringify(beforeC[i]?.ports)) out.push(f("error", { address: o.address, attribute: attr, message: `container ${i}'s ports changed`, expected: shown(beforeC[i]?.ports), actual: shown(c?.ports), fix: "Leave the controller's ports alone." }));
          for (const m of Array.isArray(c?.volumeMounts) ? c.volumeMounts : []) {
            if (!volumes.has(m?.name)) out.push(f("error", { address: o.address, attribute: attr, message: `container ${i} mounts volume '${m?.name}', which the pod does not define`, expected: `a volume named ${m?.name}`, actual: shown([...volumes]), fix: "Add the volume in the same patch set (setPodVolumes)." }));
          }
          if (Array.isArray(c?.env)) {
            c.env.forEach((e: any, j: number) => {
              if (!e || typeof e.name !== "string" || (e.value === undefined) === (e.valueFrom === undefined)) {
                out.push(f("error", { address: o.address, attribute: attr, message: `container ${i} env[${j}] is not {name, value | valueFrom}`, expected: "{name, value} or {name, valueFrom}", actual: shown(e), fix: "Build env entries with appendEnvFromSecret()." }));
              }
            });
          }
        });
        if (JSON.stringify(r.service?.spec?.ports) !== JSON.stringify(r.before.service.spec.ports)) {
          out.push(f("error", { address: o.address, attribute: "config.kubernetes_json_patches.service", message: "patches change the Service ports Traefik routes to", expected: shown(r.before.service.spec.ports), actual: shown(r.service?.spec?.ports), fix: "Patch only /spec/selector." }));
        }
        return out;
      }),
};
