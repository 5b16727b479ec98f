/**
 * AK002 Component label. The controller's embedded selector half is app.kubernetes.io/component=server;
 * the deployment patch adds it to the outpost pod template. The key has a '/', which a JSON pointer
 * must escape as ~1: an unescaped path adds nothing (or fails).
 */
import { pointer } from "../lib/json-patch";
import { OUTPOST_COMPONENT_LABEL as COMPONENT_LABEL } from "../config";
import { outpostViews } from "./read/outposts";
import { Guard, finder } from "./types";

const ID = "AK002";
const f = finder(ID);
const LABELS_PATH = "/spec/template/metadata/labels";
const WANT_PATH = pointer("spec", "template", "metadata", "labels", COMPONENT_LABEL.key);

export const componentLabelGuard: Guard = {
  id: ID,
  name: "component-label",
  protects: "the app.kubernetes.io/component=server label on the outpost pods (escaped JSON-pointer path)",
  check: ({ stack, config }) =>
    outpostViews(stack, config)
      .filter((o) => !o.configError)
      .flatMap((o) => {
        const attr = "config.kubernetes_json_patches.deployment";
        const unescaped = `${LABELS_PATH}/${COMPONENT_LABEL.key}`;
        const bad = o.deploymentPatches.findIndex((p) => p?.path === unescaped);
        if (bad >= 0) {
          return [f("error", { address: o.address, attribute: `${attr}[${bad}].path`, message: "label path is not escaped: '/' inside the key must be ~1 (RFC 6901), so this path walks into a label named app.kubernetes.io", expected: WANT_PATH, actual: unescaped, fix: "Build it with addPodLabel('app.kubernetes.io/component', 'server'), which escapes the key." })];
        }
        const idx = o.deploymentPatches.findIndex((p) => p?.path === WANT_PATH);
        if (idx < 0) {
          return [f("error", { address: o.address, attribute: attr, message: "no patch adds app.kubernetes.io/component to the outpost pod template", expected: `{op: add, path: ${WANT_PATH}, value: ${COMPONENT_LABEL.value}}`, actual: "absent", fix: "Add addPodLabel('app.kubernetes.io/component', 'server') to the deployment patches." })];
        }
        const p = o.deploymentPatches[idx];
        if (p.op !== "add" || p.value !== COMPONENT_LABEL.value) {
          return [f("error", { address: o.address, attribute: `${attr}[${idx}]`, message: "component label patch does not add the value the selector expects", expected: `add ${COMPONENT_LABEL.value}`, actual: `${p.op} ${JSON.stringify(p.value)}`, fix: "Use addPodLabel('app.kubernetes.io/component', 'server')." })];
        }
        return [];
      }),
};
