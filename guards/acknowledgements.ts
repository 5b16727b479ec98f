/**
 * Acknowledgements: an operator's written reason for a known warning. They live in the repository
 * (guard-acknowledgements.json at the repo root) so a clean synth and `check` print no warnings, list
 * what is acknowledged, and a new warning stands out. Errors can never be acknowledged.
 */
import * as fs from "fs";
import * as path from "path";
import { MAX_JSON_DEPTH, jsonDepth } from "../lib/json-input";

/** An operator's acknowledgement of a warning: the guard id, optionally narrowed to an attribute, and why. */
export interface Acknowledgement {
  /** Guard id, e.g. AK008. */
  readonly id: string;
  /** Only findings whose `address.attribute` contains this text. @default - every finding of the guard */
  readonly match?: string;
  /** Why the finding is accepted (at least 10 characters). */
  readonly reason: string;
}

/** A malformed acknowledgement or acknowledgements file (one line naming what is wrong and the fix). */
export class AcknowledgementError extends Error {}

/** Acknowledgements file at the repo root: [{ id, match?, reason }]. */
export const ACKS_FILE = "guard-acknowledgements.json";

/** Validates acknowledgements: a known guard id, a written reason. */
export function checkAcknowledgements(acks: readonly Acknowledgement[], knownIds: readonly string[]): void {
  for (const a of acks) {
    if (!knownIds.includes(a.id)) throw new AcknowledgementError(`acknowledgement ${JSON.stringify(a)}: unknown guard id '${a.id}'; allowed: ${knownIds.join(", ")}`);
    if (typeof a.reason !== "string" || a.reason.trim().length < 10) throw new AcknowledgementError(`acknowledgement for ${a.id}: a written reason is required (at least 10 characters), got ${JSON.stringify(a.reason)}`);
  }
}

/** Reads the repo's acknowledgements file (none when absent); throws AcknowledgementError on a malformed one. */
export function readAcknowledgements(rootDir: string): Acknowledgement[] {
  const file = path.join(rootDir, ACKS_FILE);
  if (!fs.existsSync(file)) return [];
  let json: unknown;
  const text = fs.readFileSync(file, "utf8");
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) throw new AcknowledgementError(`${ACKS_FILE}: JSON nested ${depth} levels deep; allowed: a list of {"id", "match"?, "reason"}. Fix: correct the file.`);
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AcknowledgementError(`${ACKS_FILE}: not JSON (${(e as Error).message.split("\n")[0]}); allowed: a list of {"id", "match"?, "reason"}. Fix: correct the file.`);
  }
  const entries = Array.isArray(json) ? json : (json as { acknowledgements?: unknown })?.acknowledgements;
  if (!Array.isArray(entries)) throw new AcknowledgementError(`${ACKS_FILE}: the top level is ${json === null ? "null" : typeof json}; allowed: a list of {"id", "match"?, "reason"} (or {"acknowledgements": [...]}). Fix: correct the file.`);
  entries.forEach((e, i) => {
    // (a string, a number, a list or null has no id)
    const ok = typeof e?.id === "string" && typeof e.reason === "string" && (e.match === undefined || typeof e.match === "string");
    if (!ok) throw new AcknowledgementError(`${ACKS_FILE}[${i}]: ${JSON.stringify(e).slice(0, 120)} is not {"id": string, "match"?: string, "reason": string}. Fix: correct the entry.`);
  });
  return entries as Acknowledgement[];
}
