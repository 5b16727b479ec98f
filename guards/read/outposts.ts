/** Shared reading of the outpost records in a synthesized stack, for the outpost guards. */
import { PatchedObjects, renderPatchedObjects } from "../../model/outpost-controller";
import { outposts, resourcesOf } from "./stack-json";
import { StackJson } from "../types";
import { LABEL_KEYS, StackConfig } from "../../config";

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

/** The outpost records the guards judge: each with the objects the cluster would hold after every patch. */
export interface OutpostEffect extends OutpostView {
  /** The controller-rendered Deployment and Service after all patches applied in order. */
  readonly objects: PatchedObjects;
  /** The labels the controller puts on this outpost's pods (uuid only when the config knows the record). */
  readonly podLabels: Readonly<Record<string, string>>;
}

/** Every readable outpost record with its effect; records whose config can't be read are left to AK001. */
export function outpostEffects(stack: StackJson, config: StackConfig): OutpostEffect[] {
  return outpostViews(stack, config)
    .filter((o) => !o.configError)
    .map((o) => {
      const objects = applyOutpostPatches(o);
      const labels = { ...objects.before.deployment.spec.selector.matchLabels };
      if (!o.declaredUuidHex) delete labels[LABEL_KEYS.outpostUuid];
      return { ...o, objects, podLabels: labels };
    });
}

/**
 * The attribute of the last patch op that touched a pointer (or anything under or above it): the op
 * responsible for what the guards see there after all patches, or the patch list when none did.
 */
export function lastOpAt(o: OutpostView, kind: "deployment" | "service", pointer: string): string {
  const ops = kind === "deployment" ? o.deploymentPatches : o.servicePatches;
  const touches = (p: unknown) => typeof p === "string" && (p === pointer || p.startsWith(pointer + "/") || pointer.startsWith(p + "/"));
  // Stryker disable next-line ArithmeticOperator: starting one past the end only visits an undefined op first
  for (let i = ops.length - 1; i >= 0; i--) if (touches(ops[i]?.path) || touches(ops[i]?.from)) return `config.kubernetes_json_patches.${kind}[${i}]`;
  return `config.kubernetes_json_patches.${kind}`;
}

/** The outpost's container in the patched Deployment: the one named for the outpost type (the controller's name). */
export function outpostContainer(o: OutpostEffect): any {
  const containers = o.objects.deployment?.spec?.template?.spec?.containers;
  return Array.isArray(containers) ? containers.find((c: any) => c?.name === o.type) : undefined;
}
