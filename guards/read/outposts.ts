/** Shared reading of the outpost records in a synthesized stack, for the outpost guards. */
import { PatchedObjects, renderPatchedObjects } from "../../model/outpost-controller";
import { outposts, resourcesOf } from "./stack-json";
import { StackJson } from "../types";
import { StackConfig } from "../../config";

export interface OutpostView {
  readonly address: string;
  readonly name: string;
  readonly type: string;
  /** The record's UUID from the config (32-hex) when the record is the config's outpost (same name); else undefined. */
  readonly declaredUuidHex?: string;
  readonly config?: any;
  readonly configError?: string;
  readonly deploymentPatches: any[];
  readonly servicePatches: any[];
  /** The authentik version the controller renders (the chart version of the stack's helm release). */
  readonly version: string;
}

export function outpostViews(stack: StackJson, config: StackConfig): OutpostView[] {
  const version = String(resourcesOf(stack, "helm_release")[0]?.values.version ?? "unknown");
  return outposts(stack).map((o) => {
    const patches = o.config?.kubernetes_json_patches ?? {};
    return {
      address: o.address,
      name: o.values.name,
      type: o.values.type ?? "proxy",
      declaredUuidHex: o.values.name === config.outpost.name ? config.outpost.uuid.replace(/-/g, "") : undefined,
      config: o.config,
      configError: o.configError,
      deploymentPatches: Array.isArray(patches.deployment) ? patches.deployment : [],
      servicePatches: Array.isArray(patches.service) ? patches.service : [],
      version,
    };
  });
}

/** The controller-rendered objects with the record's patches applied in order (model/outpost-controller.ts). */
export function applyOutpostPatches(o: OutpostView): PatchedObjects {
  const cfg = o.config ?? {};
  return renderPatchedObjects(
    {
      name: o.name,
      type: o.type,
      uuid: o.declaredUuidHex ?? "00000000000000000000000000000000",
      namespace: cfg.kubernetes_namespace ?? "default",
      objectNamingTemplate: cfg.object_naming_template ?? "ak-outpost-%(name)s",
      replicas: cfg.kubernetes_replicas ?? 1,
      version: o.version,
      embedded: true,
    },
    { deployment: o.deploymentPatches, service: o.servicePatches },
  );
}
