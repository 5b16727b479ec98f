/**
 * Typed builders for the RFC 6902 JSON patches the outpost controller applies to the objects it
 * renders (authentik's `kubernetes_json_patches`). Paths are built from segments and escaped here
 * (RFC 6901: `~` -> `~0`, `/` -> `~1`), so `app.kubernetes.io~1component` cannot be written wrong.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

export interface JsonPatchOp {
  readonly op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  readonly path: string;
  readonly value?: JsonValue;
  readonly from?: string;
}

/** Escapes one JSON-pointer segment. */
export function escapePointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Builds a JSON pointer from unescaped segments. `-` as the last segment means "append". */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => "/" + escapePointerSegment(s)).join("");
}

/** Splits a JSON pointer into unescaped segments. */
export function parsePointer(p: string): string[] {
  if (p === "") return [];
  if (!p.startsWith("/")) throw new Error(`'${p}' is not a JSON pointer (must start with '/')`);
  return p.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

const CONTAINER = (index: number) => ["spec", "template", "spec", "containers", index] as const;

/** add /spec/template/spec/volumes (replaces the list: the controller renders none). */
export function setPodVolumes(volumes: JsonValue[]): JsonPatchOp {
  return { op: "add", path: pointer("spec", "template", "spec", "volumes"), value: volumes };
}

/** add .../containers/<i>/volumeMounts (replaces the list: the controller renders none). */
export function setContainerVolumeMounts(container: number, mounts: JsonValue[]): JsonPatchOp {
  return { op: "add", path: pointer(...CONTAINER(container), "volumeMounts"), value: mounts };
}

/** add .../containers/<i>/resources. */
export function setContainerResources(container: number, resources: { [k: string]: JsonValue }): JsonPatchOp {
  return { op: "add", path: pointer(...CONTAINER(container), "resources"), value: resources };
}

/** add one pod-template label; the key's `/` is escaped. */
export function addPodLabel(key: string, value: string): JsonPatchOp {
  return { op: "add", path: pointer("spec", "template", "metadata", "labels", key), value };
}

/** Appends one env var read from a Secret key (`.../env/-`), never replacing the controller's env. */
export function appendEnvFromSecret(container: number, name: string, secretName: string, key: string = name): JsonPatchOp {
  return {
    op: "add",
    path: pointer(...CONTAINER(container), "env", "-"),
    value: { name, valueFrom: { secretKeyRef: { name: secretName, key } } },
  };
}

/** replace /spec/selector of a Service. */
export function replaceServiceSelector(labels: Readonly<Record<string, string>>): JsonPatchOp {
  return { op: "replace", path: pointer("spec", "selector"), value: sortKeys(labels) };
}

/** A copy with keys in sorted order (authentik stores JSON; sorted keys keep the text stable). */
export function sortKeys<T extends JsonValue | Readonly<Record<string, JsonValue>>>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => sortKeys(x)) as T;
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, JsonValue>)[k])])) as T;
  }
  return v;
}
