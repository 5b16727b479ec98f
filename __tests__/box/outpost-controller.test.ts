/**
 * The box's outpost controller decisions (pure parts): the reference objects it renders for the stack's
 * own outpost record, and when it updates a live object (authentik's NeedsUpdate triggers). The live
 * cluster behaviour is covered in __tests__/e2e.
 */
import { DEFAULT_CONFIG, deriveNames } from "../../config";
import { SERVER_POD_LABELS } from "../../config";
import { EMBEDDED_OUTPOST, OutpostRecord } from "../../box/authentik-client";
import { needsUpdate, patchesOf, referenceObjects } from "../../box/outpost-controller";
import { outpostConfig, synthJson } from "../support/synth";

const n = deriveNames(DEFAULT_CONFIG);
const record = (config: any, managed: string | null = EMBEDDED_OUTPOST): OutpostRecord => ({
  pk: DEFAULT_CONFIG.outpost.uuid,
  name: DEFAULT_CONFIG.outpost.name,
  type: "proxy",
  providers: [1],
  service_connection: DEFAULT_CONFIG.outpost.serviceConnectionId,
  managed,
  config,
});
const stackConfig = outpostConfig(synthJson());

/** What the API server adds to a stored Service. */
const asStored = (svc: any) => ({
  ...svc,
  metadata: { ...svc.metadata, uid: "u1", resourceVersion: "7", creationTimestamp: "2026-11-30T00:00:00Z", managedFields: [] },
  spec: { ...svc.spec, clusterIP: "10.96.12.34", clusterIPs: ["10.96.12.34"], sessionAffinity: "None", ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", internalTrafficPolicy: "Cluster" },
  status: { loadBalancer: {} },
});

describe("reference objects", () => {
  it("with the stack's patches, the Service selects the outpost pods by their own labels", () => {
    const ref = referenceObjects(record(stackConfig), "2026.2.2");
    expect(ref.service.metadata.name).toBe(n.outpostObjectName);
    expect(ref.service.spec.selector).toEqual(n.outpostPodLabels);
    expect(ref.deployment.spec.template.metadata.labels["app.kubernetes.io/component"]).toBe("server");
  });

  it("without the service patch, an embedded outpost's Service selects the server pods (the upstream bug)", () => {
    const cfg = { ...stackConfig, kubernetes_json_patches: { ...stackConfig.kubernetes_json_patches, service: [] } };
    expect(referenceObjects(record(cfg), "2026.2.2").service.spec.selector).toEqual(SERVER_POD_LABELS);
    expect(referenceObjects(record(cfg, null), "2026.2.2").service.spec.selector).toEqual(n.outpostPodLabels);
  });

  it("refuses a patch that does not apply, naming it", () => {
    const cfg = { ...stackConfig, kubernetes_json_patches: { service: [{ op: "replace", path: "/spec/nothing/here", value: 1 }] } };
    expect(() => referenceObjects(record(cfg), "2026.2.2")).toThrow(/JSON Patch failed \(service, op 0\)/);
  });
});

describe("when the controller updates a live object", () => {
  const rec = record(stackConfig);
  const ref = referenceObjects(rec, "2026.2.2");

  it("leaves a stored Service that matches the reference alone", () => {
    expect(needsUpdate("Service", asStored(ref.service), ref.service, patchesOf(rec, "service"))).toBeUndefined();
  });

  it("reverts an out-of-band selector edit the patches cover", () => {
    const edited = asStored(ref.service);
    edited.spec.selector = { ...SERVER_POD_LABELS };
    expect(needsUpdate("Service", edited, ref.service, patchesOf(rec, "service"))).toBe("the patches would change the live object");
  });

  it("updates a Deployment scaled by hand back to kubernetes_replicas", () => {
    const live = JSON.parse(JSON.stringify(ref.deployment));
    live.spec.replicas = 0;
    expect(needsUpdate("Deployment", live, ref.deployment, [])).toBe("replicas 0 != 1");
  });

  it("updates on a changed image or labels", () => {
    const live = JSON.parse(JSON.stringify(ref.deployment));
    live.spec.template.spec.containers[0].image = "ghcr.io/goauthentik/proxy:2026.2.1";
    expect(needsUpdate("Deployment", live, ref.deployment, [])).toMatch(/^image /);
    const svc = asStored(ref.service);
    svc.metadata.labels = { ...svc.metadata.labels, extra: "x" };
    expect(needsUpdate("Service", svc, ref.service, [])).toBe("labels differ");
  });
});
