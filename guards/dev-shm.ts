/**
 * AK005 /dev/shm. The outpost's memory-backed dshm emptyDir (with a sizeLimit) mounted at /dev/shm, and
 * a container memory limit above that sizeLimit: tmpfs pages count against the cgroup, so a limit at or
 * below it OOM-kills the pod before /dev/shm fills (the 2026-04-18 incident class).
 */
import { parseQuantity } from "../lib/quantity";
import { applyOutpostPatches, outpostViews } from "./read/outposts";
import { Finding, Guard, finder } from "./types";

const ID = "AK005";
const f = finder(ID);

export const devShmGuard: Guard = {
  id: ID,
  name: "dev-shm",
  protects: "the outpost's memory-backed /dev/shm and a memory limit above its size",
  check: ({ stack, config }) =>
    outpostViews(stack, config)
      .filter((o) => !o.configError)
      .flatMap((o) => {
        const out: Finding[] = [];
        const attr = "config.kubernetes_json_patches.deployment";
        const d = applyOutpostPatches(o).deployment;
        const spec = d.spec?.template?.spec ?? {};
        const vol = (Array.isArray(spec.volumes) ? spec.volumes : []).find((v: any) => v?.name === "dshm");
        const container = (spec.containers ?? [])[0] ?? {};
        if (!vol || vol.emptyDir?.medium !== "Memory" || parseQuantity(vol.emptyDir?.sizeLimit) === undefined) {
          out.push(f("error", { address: o.address, attribute: attr, message: "the outpost pod has no memory-backed dshm emptyDir with a sizeLimit", expected: "volumes: [{name: dshm, emptyDir: {medium: Memory, sizeLimit: <size>}}]", actual: JSON.stringify(vol ?? null), fix: "Keep setPodVolumes([{name: 'dshm', emptyDir: {medium: 'Memory', sizeLimit: config.outpost.shmSizeLimit}}])." }));
        }
        const mount = (Array.isArray(container.volumeMounts) ? container.volumeMounts : []).find((m: any) => m?.name === "dshm");
        if (!mount || mount.mountPath !== "/dev/shm") {
          out.push(f("error", { address: o.address, attribute: attr, message: "dshm is not mounted at /dev/shm in the outpost container", expected: "volumeMounts: [{name: dshm, mountPath: /dev/shm}]", actual: JSON.stringify(mount ?? null), fix: "Keep setContainerVolumeMounts(0, [{name: 'dshm', mountPath: '/dev/shm'}])." }));
        }
        const size = parseQuantity(vol?.emptyDir?.sizeLimit);
        const limitText = container.resources?.limits?.memory;
        const limit = parseQuantity(limitText);
        if (size !== undefined && (limit === undefined || limit <= size)) {
          out.push(f("error", { address: o.address, attribute: `${attr} resources.limits.memory`, message: "the outpost's memory limit is not above its /dev/shm sizeLimit; tmpfs counts against the cgroup, so the pod is OOM-killed before /dev/shm fills", expected: `more than ${vol.emptyDir.sizeLimit}`, actual: String(limitText ?? "no limit"), fix: "Raise config.outpost.memoryLimit above shmSizeLimit (live: 2560Mi for 2Gi)." }));
        }
        return out;
      }),
};
