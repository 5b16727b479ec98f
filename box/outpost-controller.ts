/**
 * The outpost controller in the box: what authentik's Kubernetes controller
 * (authentik/outposts/controllers/k8s/, 2026.2) does for each outpost with a service connection,
 * against the box's real API server. The objects come from the project's model of the controller's
 * rendering and patch application (model/outpost-controller: names, labels, ports, the embedded-outpost selector that picks
 * the server pods); the outpost's `kubernetes_json_patches` apply in order (RFC 6902). Reconciling
 * follows the controller's base reconciler:
 *   - the object is missing: create it;
 *   - labels differ, ports differ, (Deployment) replicas or image differ, or applying the patches to
 *     the live object would change it: update it with a strategic merge patch of the reference;
 *     422 on update: delete and create;
 * so an out-of-band edit the patches cover (a Service selector put back) is reverted on the next pass.
 * Runs every `intervalMs` (authentik reconciles on save and periodically); the version it renders is
 * the chart version of the running Helm release, as the guards' model assumes.
 */
import { renderPatchedObjects } from "../model/outpost-controller";
import { applyInOrder } from "../model/json-patch";
import { AuthentikClient, EMBEDDED_OUTPOST, OutpostRecord } from "./authentik-client";
import { Kube, KubeError } from "./kube";
import { startPeriodic } from "./periodic";

export const FIELD_MANAGER = "goauthentik.io";

export interface ControllerEvent {
  readonly outpost: string;
  readonly kind: "Deployment" | "Service";
  readonly name: string;
  readonly action: "create" | "update" | "recreate" | "error";
  readonly why: string;
}

export function patchesOf(o: OutpostRecord, kind: "deployment" | "service"): unknown[] {
  const p = o.config?.kubernetes_json_patches?.[kind];
  return Array.isArray(p) ? p : [];
}

/** The controller's reference objects for one outpost, patches applied (throws when a patch fails). */
export function referenceObjects(o: OutpostRecord, version: string): { deployment: any; service: any } {
  const c = o.config ?? {};
  const r = renderPatchedObjects(
    {
    name: o.name,
    type: o.type,
    uuid: o.pk,
    namespace: c.kubernetes_namespace ?? "default",
    objectNamingTemplate: c.object_naming_template ?? "ak-outpost-%(name)s",
    replicas: c.kubernetes_replicas ?? 1,
    version,
    embedded: o.managed === EMBEDDED_OUTPOST,
    },
    { deployment: patchesOf(o, "deployment"), service: patchesOf(o, "service") },
  );
  // authentik raises ControllerException("JSON Patch failed: ...") and applies nothing
  const f = r.failures[0];
  if (f) throw new Error(`JSON Patch failed (${f.kind}, op ${f.index}): ${f.reason}`);
  return { deployment: r.deployment, service: r.service };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const portsOf = (ports: any[] | undefined) => (ports ?? []).map((p) => [p.name, p.port ?? p.containerPort, String(p.protocol ?? "TCP").toUpperCase(), p.targetPort ?? null]).map((x) => JSON.stringify(x)).sort();
const sortedLabels = (l: Record<string, string> | undefined) => JSON.stringify(Object.entries(l ?? {}).sort());

/** Why the live object needs an update (the controller's NeedsUpdate triggers), or undefined. */
export function needsUpdate(kind: "Deployment" | "Service", current: any, reference: any, ops: readonly unknown[]): string | undefined {
  if (kind === "Service" && !same(portsOf(current.spec?.ports), portsOf(reference.spec?.ports))) return "ports differ";
  if (kind === "Deployment") {
    const cc = current.spec?.template?.spec?.containers?.[0] ?? {};
    const rc = reference.spec?.template?.spec?.containers?.[0] ?? {};
    if (!same(portsOf(cc.ports), portsOf(rc.ports))) return "container ports differ";
    if (current.spec?.replicas !== reference.spec?.replicas) return `replicas ${current.spec?.replicas} != ${reference.spec?.replicas}`;
    if (cc.image !== rc.image) return `image ${cc.image} != ${rc.image}`;
  }
  if (sortedLabels(current.metadata?.labels) !== sortedLabels(reference.metadata?.labels)) return "labels differ";
  if (ops.length) {
    const { result, failures } = applyInOrder(current, ops);
    if (failures.length) return `patches do not apply to the live object (op ${failures[0].index}: ${failures[0].reason})`;
    if (!same(result, current)) return "the patches would change the live object";
  }
  return undefined;
}

export class OutpostController {
  private stopLoop?: () => void;
  readonly events: ControllerEvent[] = [];

  constructor(private readonly o: { kube: Kube; authentik: AuthentikClient; releaseNamespace: string; releaseName: string; intervalMs: number; log: (s: string) => void }) {}

  start(): void {
    this.stopLoop = startPeriodic(() => this.reconcileAll(), this.o.intervalMs, (e) => this.o.log(`outpost controller: ${e.message}`));
  }

  stop(): void {
    this.stopLoop?.();
  }

  /** The chart version of the deployed release (what the controller's __version__ is), or undefined. */
  async releaseVersion(): Promise<string | undefined> {
    const d = await this.o.kube.find(`/apis/apps/v1/namespaces/${this.o.releaseNamespace}/deployments/${this.o.releaseName}-server`);
    return d?.metadata?.labels?.["app.kubernetes.io/version"] ?? d?.spec?.template?.spec?.containers?.[0]?.image?.split(":").pop();
  }

  async reconcileAll(): Promise<void> {
    const version = await this.releaseVersion();
    // authentik's controller runs inside the authentik deployment: without a release, nothing reconciles
    if (!version) return;
    for (const outpost of await this.o.authentik.outposts()) {
      if (!outpost.service_connection) continue;
      let ref;
      try {
        ref = referenceObjects(outpost, version);
      } catch (e) {
        this.record({ outpost: outpost.name, kind: "Deployment", name: "-", action: "error", why: (e as Error).message });
        continue;
      }
      await this.reconcile(outpost, "Deployment", ref.deployment, patchesOf(outpost, "deployment"));
      await this.reconcile(outpost, "Service", ref.service, patchesOf(outpost, "service"));
    }
  }

  private lastLogged = new Map<string, number>();

  private record(e: ControllerEvent): void {
    this.events.push(e);
    if (this.events.length > 200) this.events.shift();
    // an env "/-" append patch changes every live object, so the controller updates on every pass (as
    // authentik's does); log a repeated update once a minute
    const key = `${e.action} ${e.kind} ${e.name} ${e.why}`;
    if (Date.now() - (this.lastLogged.get(key) ?? 0) < 60000) return;
    this.lastLogged.set(key, Date.now());
    this.o.log(`outpost controller: ${e.action} ${e.kind} ${e.name} (${e.outpost}): ${e.why}`);
  }

  private async reconcile(outpost: OutpostRecord, kind: "Deployment" | "Service", reference: any, ops: readonly unknown[]): Promise<void> {
    const ns = reference.metadata.namespace;
    const collection = kind === "Deployment" ? `/apis/apps/v1/namespaces/${ns}/deployments` : `/api/v1/namespaces/${ns}/services`;
    const name = reference.metadata.name;
    const path = `${collection}/${name}`;
    if (!(await this.o.kube.find(`/api/v1/namespaces/${ns}`))) return; // the namespace comes with the stack
    const current = await this.o.kube.find(path);
    if (!current) {
      await this.o.kube.create(`${collection}?fieldManager=${FIELD_MANAGER}`, reference);
      this.record({ outpost: outpost.name, kind, name, action: "create", why: "not found" });
      return;
    }
    const why = needsUpdate(kind, current, reference, ops);
    if (!why) return;
    try {
      await this.o.kube.mergePatch(path, reference, FIELD_MANAGER);
      this.record({ outpost: outpost.name, kind, name, action: "update", why });
    } catch (e) {
      if (!(e instanceof KubeError && e.status === 422)) throw e;
      await this.o.kube.delete(path);
      await this.o.kube.create(`${collection}?fieldManager=${FIELD_MANAGER}`, reference);
      this.record({ outpost: outpost.name, kind, name, action: "recreate", why: `${why}; update refused (422)` });
    }
  }
}
