/**
 * AK002 Component label. The controller's embedded selector half is app.kubernetes.io/component=server,
 * and the outpost pods get it from a deployment patch. Judged by its effect: after every deployment
 * patch applies in order, the pod template must carry the label with that value (a later op that
 * removes or changes it, or a path with the key's '/' unescaped, leaves the pods without it).
 */
import { OUTPOST_COMPONENT_LABEL as LABEL } from "../config";
import { pointer } from "../lib/json-patch";
import { lastOpAt, outpostEffects } from "./read/outposts";
import { Finding, Guard, finder, shown } from "./types";

const ID = "AK002";
const f = finder(ID);
const PATH = pointer("spec", "template", "metadata", "labels", LABEL.key);
const UNESCAPED = `/spec/template/metadata/labels/${LABEL.key}`;

export const componentLabelGuard: Guard = {
  id: ID,
  name: "component-label",
  protects: "the app.kubernetes.io/component=server label on the outpost pods after all patches (escaped JSON-pointer path)",
  check: ({ stack, config }) =>
    outpostEffects(stack, config).flatMap((o): Finding[] => {
      const labels = o.objects.deployment?.spec?.template?.metadata?.labels ?? {};
      if (labels[LABEL.key] === LABEL.value) return [];
      const unescaped = o.deploymentPatches.findIndex((p) => p?.path === UNESCAPED);
      if (unescaped >= 0) {
        return [f("error", { address: o.address, attribute: `config.kubernetes_json_patches.deployment[${unescaped}].path`, message: "the outpost pods lack the component label: the label path is not escaped ('/' inside the key must be ~1, RFC 6901), so it walks into a label named app.kubernetes.io", expected: PATH, actual: UNESCAPED, fix: "Build it with addPodLabel('app.kubernetes.io/component', 'server'), which escapes the key." })];
      }
      const actual = shown(labels[LABEL.key]);
      return [f("error", { address: o.address, attribute: lastOpAt(o, "deployment", PATH), message: `after the patches the outpost pods carry ${LABEL.key}=${actual}, not ${LABEL.value}; the embedded selector half the Service relies on is missing`, expected: `${LABEL.key}=${LABEL.value} on the pod template`, actual, fix: "Keep addPodLabel('app.kubernetes.io/component', 'server') in the deployment patches and no later op that removes or changes it." })];
    }),
};
