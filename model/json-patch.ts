/**
 * RFC 6902 patch application, as authentik's outpost controller does it: the ops apply one after the
 * other to the rendered object (a real implementation, fast-json-patch, with validation on). An op that
 * fails is recorded and skipped, so callers see every failure, and the object the remaining ops produce.
 */
import { applyPatch, deepClone, JsonPatchError, Operation } from "fast-json-patch";

/** One op that did not apply: where it was in the list, the op itself, and why. */
export interface PatchFailure {
  readonly index: number;
  readonly op: unknown;
  readonly reason: string;
}

/** Applies `ops` in order to a copy of `doc`; the input is never modified. */
export function applyInOrder<T>(doc: T, ops: readonly unknown[]): { result: T; failures: PatchFailure[] } {
  let current = deepClone(doc);
  const failures: PatchFailure[] = [];
  ops.forEach((op, index) => {
    try {
      current = applyPatch(current, [op as Operation], true, false).newDocument;
    } catch (e) {
      const reason = e instanceof JsonPatchError ? `${e.name}: ${e.message.split("\n")[0]}` : (e as Error).message;
      failures.push({ index, op, reason });
    }
  });
  return { result: current, failures };
}
