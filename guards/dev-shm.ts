/**
 * AK005 /dev/shm. Judged after every deployment patch applies in order: the outpost container mounts
 * /dev/shm from a memory-backed emptyDir with a sizeLimit, and its memory limit is above that sizeLimit:
 * tmpfs pages count against the cgroup, so a limit at or below it OOM-kills the pod before /dev/shm
 * fills (the 2026-04-18 incident class).
 */
import { DEV_SHM } from "../config";
import { parseQuantity } from "../lib/quantity";
import { lastOpAt, outpostContainer, outpostEffects } from "./read/outposts";
import { Finding, Guard, finder, shown } from "./types";

const ID = "AK005";
const f = finder(ID);

export const devShmGuard: Guard = {
  id: ID,
  name: "dev-shm",
  protects: "the outpost's memory-backed /dev/shm and a memory limit above its size, judged after all patches",
  check: ({ stack, config }) =>
    outpostEffects(stack, config).flatMap((o) => {
      const out: Finding[] = [];
      const spec = o.objects.deployment?.spec?.template?.spec ?? {};
      const container = outpostContainer(o) ?? {};
      const mounts = Array.isArray(container.volumeMounts) ? container.volumeMounts : [];
      const mount = mounts.find((m: any) => m?.mountPath === DEV_SHM.mountPath);
      if (!mount) {
        out.push(f("error", { address: o.address, attribute: lastOpAt(o, "deployment", "/spec/template/spec/containers/0/volumeMounts"), message: "after the patches nothing is mounted at /dev/shm in the outpost container; sessions land on the container's disk-backed /dev/shm (64Mi)", expected: `volumeMounts: [{name: ${DEV_SHM.volume}, mountPath: ${DEV_SHM.mountPath}}]`, actual: shown(mounts), fix: "Keep setContainerVolumeMounts(0, [{name: 'dshm', mountPath: '/dev/shm'}])." }));
      }
      const vol = Array.isArray(spec.volumes) ? spec.volumes.find((v: any) => v?.name === (mount?.name ?? DEV_SHM.volume)) : undefined;
      const size = parseQuantity(vol?.emptyDir?.sizeLimit);
      if (!vol || vol.emptyDir?.medium !== "Memory" || size === undefined || size <= 0) {
        out.push(f("error", { address: o.address, attribute: lastOpAt(o, "deployment", "/spec/template/spec/volumes"), message: `after the patches the volume mounted at /dev/shm ('${mount?.name ?? DEV_SHM.volume}') is not a memory-backed emptyDir with a sizeLimit`, expected: `{name: ${DEV_SHM.volume}, emptyDir: {medium: Memory, sizeLimit: <size>}}`, actual: shown(vol), fix: "Keep setPodVolumes([{name: 'dshm', emptyDir: {medium: 'Memory', sizeLimit: config.outpost.shmSizeLimit}}])." }));
      }
      const limitText = container.resources?.limits?.memory;
      const limit = parseQuantity(limitText);
      // Stryker disable next-line ConditionalExpression: undefined > 0 is false; the undefined test only narrows the type
      if (size !== undefined && size > 0 && (limit === undefined || limit <= size)) {
        out.push(f("error", { address: o.address, attribute: `${lastOpAt(o, "deployment", "/spec/template/spec/containers/0/resources")} resources.limits.memory`, message: "the outpost's memory limit is not above its /dev/shm sizeLimit; tmpfs counts against the cgroup, so the pod is OOM-killed before /dev/shm fills", expected: `more than ${vol.emptyDir.sizeLimit}`, actual: String(limitText ?? "no limit"), fix: "Raise config.outpost.memoryLimit above shmSizeLimit (live: 2560Mi for 2Gi)." }));
      }
      return out;
    }),
};
