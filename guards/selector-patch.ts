/**
 * AK001 Service selector patch. goauthentik 2026.2's controller points an embedded outpost's Service at
 * the server pods (app.kubernetes.io/name=authentik); without the replace /spec/selector patch the
 * Service has no outpost endpoints and forward-auth falls back to Basic Auth ("Emergency Access").
 */
import { LABEL_KEYS, SERVER_POD_LABELS, outpostPodLabels } from "../config";
import { outpostViews } from "./read/outposts";
import { Guard, finder } from "./types";

const ID = "AK001";
const f = finder(ID);
const SERVER_NAME = SERVER_POD_LABELS[LABEL_KEYS.name];

export const selectorPatchGuard: Guard = {
  id: ID,
  name: "service-selector-patch",
  protects: "the outpost Service selecting the outpost pods, not the server pods (upstream controller bug)",
  check: ({ stack, config }) =>
    outpostViews(stack, config).flatMap((o) => {
      const attr = "config.kubernetes_json_patches.service";
      if (o.configError) {
        return [f("error", { address: o.address, attribute: "config", message: o.configError, expected: "the outpost config as JSON text", actual: "unreadable", fix: "Build the config with outpostConfigObject() and tfJsonEncode()." })];
      }
      const idx = o.servicePatches.findIndex((p) => p?.path === "/spec/selector");
      if (idx < 0) {
        return [
          f("error", {
            address: o.address, attribute: attr,
            message: "no patch replaces /spec/selector; the controller's selector picks the server pods (app.kubernetes.io/name=authentik), so the Service has no outpost endpoints",
            expected: "{op: replace, path: /spec/selector, value: <the outpost's pod labels>}", actual: JSON.stringify(o.servicePatches),
            fix: "Keep the replace /spec/selector patch built by replaceServiceSelector(deriveNames(config).outpostPodLabels).",
          }),
        ];
      }
      const patch = o.servicePatches[idx];
      const a = `${attr}[${idx}]`;
      const out = [];
      if (patch.op !== "replace") {
        out.push(f("error", { address: o.address, attribute: `${a}.op`, message: `selector patch uses op '${patch.op}'; only replace swaps the whole selector (add/merge would keep the server-pod labels)`, expected: "replace", actual: String(patch.op), fix: "Use replaceServiceSelector()." }));
      }
      const sel = patch.value ?? {};
      if (sel[LABEL_KEYS.name] === SERVER_NAME) {
        out.push(f("error", { address: o.address, attribute: `${a}.value`, message: `selector selects ${LABEL_KEYS.name}=${SERVER_NAME} (the server pods)`, expected: `${LABEL_KEYS.name}=${outpostPodLabels({ name: o.name, type: o.type, uuid: "" })[LABEL_KEYS.name]}`, actual: `${LABEL_KEYS.name}=${SERVER_NAME}`, fix: "Keep the replace /spec/selector patch built from the outpost's own labels." }));
        return out;
      }
      const uuid = sel[LABEL_KEYS.outpostUuid];
      const want = outpostPodLabels({ name: o.name, type: o.type, uuid: o.declaredUuidHex ?? String(uuid ?? "") });
      if (typeof uuid !== "string" || !/^[0-9a-f]{32}$/.test(uuid)) {
        out.push(f("error", { address: o.address, attribute: `${a}.value["${LABEL_KEYS.outpostUuid}"]`, message: "outpost-uuid label is not the 32-hex form the controller writes (uuid.hex, no dashes); the selector matches no pod", expected: "32 lower-case hex digits", actual: JSON.stringify(uuid), fix: "Derive it from config.outpost.uuid with the dashes removed (deriveNames().outpostUuidHex)." }));
      }
      for (const [k, v] of Object.entries(want)) {
        if (k === LABEL_KEYS.outpostUuid && !o.declaredUuidHex) continue;
        if (k === LABEL_KEYS.outpostUuid && !/^[0-9a-f]{32}$/.test(String(uuid))) continue;
        if (sel[k] !== v) {
          out.push(f("error", { address: o.address, attribute: `${a}.value["${k}"]`, message: `selector label ${k} does not match the outpost's pod label`, expected: v, actual: JSON.stringify(sel[k]), fix: "Build the selector from the outpost's own labels (deriveNames(config).outpostPodLabels)." }));
        }
      }
      for (const k of Object.keys(sel)) {
        if (!(k in want)) out.push(f("error", { address: o.address, attribute: `${a}.value["${k}"]`, message: `selector has label ${k}, which the outpost pods do not carry from the controller`, expected: Object.keys(want).join(", "), actual: k, fix: "Select only the controller's pod labels." }));
      }
      return out;
    }),
};
