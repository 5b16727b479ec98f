/** Shared reading of the outpost record's patches, for the outpost guards. */
import { applyPatch, deepClone, JsonPatchError, Operation } from "fast-json-patch";
import { renderControllerObjects } from "../lib/outpost-controller";
import { outposts, resourcesOf } from "./stack-json";
import { StackJson } from "./types";

export interface OutpostView {
  readonly address: string;
  readonly name: string;
  readonly type: string;
  /** The UUID the stack declares for this record (a "//" annotation), 32-hex; undefined if absent. */
  readonly declaredUuidHex?: string;
  readonly config?: any;
  readonly configError?: string;
  readonly deploymentPatches: any[];
  readonly servicePatches: any[];
  /** The authentik version the controller renders (the chart version of the stack's helm release). */
  readonly version: string;
}

export function outpostViews(stack: StackJson): OutpostView[] {
  const version = String(resourcesOf(stack, "helm_release")[0]?.values.version ?? "unknown");
  return outposts(stack).map((o) => {
    const patches = o.config?.kubernetes_json_patches ?? {};
    const declared = o.values?.["//"]?.authentik_stack?.outpost_uuid;
    return {
      address: o.address,
      name: o.values.name,
      type: o.values.type ?? "proxy",
      declaredUuidHex: typeof declared === "string" ? declared.replace(/-/g, "") : undefined,
      config: o.config,
      configError: o.configError,
      deploymentPatches: Array.isArray(patches.deployment) ? patches.deployment : [],
      servicePatches: Array.isArray(patches.service) ? patches.service : [],
      version,
    };
  });
}

export interface PatchOutcome {
  readonly deployment: any;
  readonly service: any;
  readonly before: { deployment: any; service: any };
  /** Patches that did not apply: kind, index, op, path, reason. */
  readonly failures: Array<{ kind: "deployment" | "service"; index: number; op: any; reason: string }>;
}

/** The controller-rendered objects with the record's patches applied (RFC 6902, fast-json-patch). */
export function applyOutpostPatches(o: OutpostView): PatchOutcome {
  const cfg = o.config ?? {};
  const before = renderControllerObjects({
    name: o.name,
    type: o.type,
    uuid: o.declaredUuidHex ?? "00000000000000000000000000000000",
    namespace: cfg.kubernetes_namespace ?? "default",
    objectNamingTemplate: cfg.object_naming_template ?? "ak-outpost-%(name)s",
    replicas: cfg.kubernetes_replicas ?? 1,
    version: o.version,
    embedded: true,
  });
  const failures: PatchOutcome["failures"] = [];
  const run = (kind: "deployment" | "service", doc: any, ops: any[]) => {
    let current = deepClone(doc);
    ops.forEach((op, index) => {
      try {
        current = applyPatch(current, [op as Operation], true, false).newDocument;
      } catch (e) {
        const reason = e instanceof JsonPatchError ? `${e.name}: ${e.message.split("\n")[0]}` : (e as Error).message;
        failures.push({ kind, index, op, reason });
      }
    });
    return current;
  };
  return {
    before,
    deployment: run("deployment", before.deployment, o.deploymentPatches),
    service: run("service", before.service, o.servicePatches),
    failures,
  };
}
