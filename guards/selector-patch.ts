/**
 * AK001 Service selector. goauthentik 2026.2's controller points an embedded outpost's Service at the
 * server pods (app.kubernetes.io/name=authentik); the replace /spec/selector patch fixes it. Judged by
 * its effect: after every service patch applies in order, the Service must select exactly the labels
 * the controller puts on the outpost pods, and the patched pods must carry them. Otherwise the Service
 * has no outpost endpoints and forward-auth falls back to Basic Auth ("Emergency Access").
 */
import { LABEL_KEYS, SERVER_POD_LABELS } from "../config";
import { pointer } from "../lib/json-patch";
import { lastOpAt, outpostEffects, outpostViews } from "./read/outposts";
import { Finding, Guard, finder, shown } from "./types";

const ID = "AK001";
const f = finder(ID);
const FIX = "Keep the replace /spec/selector patch built from the outpost's own labels (replaceServiceSelector(deriveNames(config).outpostPodLabels)) and no later op that changes /spec/selector.";

export const selectorPatchGuard: Guard = {
  id: ID,
  name: "service-selector-patch",
  protects: "the outpost Service selecting the outpost pods, not the server pods (upstream controller bug), judged after all patches",
  check: ({ stack, config }) => {
    const views = outpostViews(stack, config);
    const out: Finding[] = [];
    if (!views.some((o) => o.name === config.outpost.name)) {
      out.push(f("error", { address: "authentik_outpost", attribute: "name", message: `the stack has no outpost record named '${config.outpost.name}'; the embedded outpost and its patches are unmanaged`, expected: `an authentik_outpost named ${JSON.stringify(config.outpost.name)}`, actual: views.map((o) => o.name).join(", ") || "no authentik_outpost", fix: "Keep the EmbeddedOutpost construct in the stack (and config.outpost.name equal to the record's name)." }));
    }
    for (const o of views.filter((v) => v.configError)) {
      out.push(f("error", { address: o.address, attribute: "config", message: o.configError!, expected: "the outpost config as JSON text", actual: "unreadable", fix: "Build the config with outpostConfigObject() and tfJsonEncode()." }));
    }
    for (const o of outpostEffects(stack, config)) {
      const at = lastOpAt(o, "service", "/spec/selector");
      const sel = o.objects.service?.spec?.selector;
      const want = o.podLabels;
      const wantText = Object.entries(want).map(([k, v]) => `${k}=${v}`).join(", ");
      if (!sel || typeof sel !== "object" || Array.isArray(sel) || Object.keys(sel).length === 0) {
        out.push(f("error", { address: o.address, attribute: at, message: "after the patches the Service has no selector, so it selects no pod and the outpost has no endpoints", expected: wantText, actual: shown(sel), fix: FIX }));
        continue;
      }
      if (sel[LABEL_KEYS.name] === SERVER_POD_LABELS[LABEL_KEYS.name]) {
        out.push(f("error", { address: o.address, attribute: at, message: `after the patches the Service selects ${LABEL_KEYS.name}=${sel[LABEL_KEYS.name]} (the server pods)`, expected: `${LABEL_KEYS.name}=${want[LABEL_KEYS.name]}`, actual: `${LABEL_KEYS.name}=${sel[LABEL_KEYS.name]}`, fix: FIX }));
        continue;
      }
      const uuid = sel[LABEL_KEYS.outpostUuid];
      if (typeof uuid !== "string" || !/^[0-9a-f]{32}$/.test(uuid)) {
        out.push(f("error", { address: o.address, attribute: `${at}.value["${LABEL_KEYS.outpostUuid}"]`, message: "the selector's outpost-uuid is not the 32-hex form the controller writes on the pods (uuid.hex, no dashes); it matches no pod", expected: "32 lower-case hex digits", actual: shown(uuid), fix: "Derive it from config.outpost.uuid with the dashes removed (deriveNames().outpostUuidHex)." }));
      }
      for (const [k, v] of Object.entries(want)) {
        if (sel[k] !== v) out.push(f("error", { address: o.address, attribute: `${at}.value["${k}"]`, message: `the Service's selector label ${k} is not the outpost pods' label, so it selects no outpost pod`, expected: v, actual: shown(sel[k]), fix: FIX }));
      }
      const podLabels = o.objects.deployment?.spec?.template?.metadata?.labels ?? {};
      for (const [k, v] of Object.entries<any>(sel)) {
        if (!(k in want) && !(k === LABEL_KEYS.outpostUuid)) out.push(f("error", { address: o.address, attribute: `${at}.value["${k}"]`, message: `the selector has label ${k}, which is not one of the labels the controller puts on the outpost pods`, expected: Object.keys(want).join(", "), actual: k, fix: "Select exactly the controller's pod labels." }));
        else if (podLabels[k] !== v && sel[k] === want[k]) out.push(f("error", { address: o.address, attribute: lastOpAt(o, "deployment", pointer("spec", "template", "metadata", "labels", k)), message: `the patched outpost pods no longer carry ${k}=${v}, which the Service selects`, expected: `${k}=${v} on the pod template`, actual: shown(podLabels[k]), fix: "Never remove or change the controller's pod labels in the deployment patches." }));
      }
    }
    return out;
  },
};
