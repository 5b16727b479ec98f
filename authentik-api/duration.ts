/**
 * authentik's duration fields: which spec properties are durations, and the validator's verdict.
 * The parsing itself is lib/duration.ts `authentikReading` (authentik/lib/utils/time.py
 * `timedelta_from_string`, read exactly); `timedelta_string_validator` turns its ValueError into the field
 * error below. Python's timedelta() raises OverflowError (not ValueError) for infinite or too-large values,
 * which the real server does not catch: a 500, reported here as `overflow`.
 */
import { authentikReading } from "../lib/duration";

export type DurationResult = { ok: true; seconds: number } | { ok: false; overflow: boolean };

export function parseDuration(expr: string): DurationResult {
  const r = authentikReading(expr);
  if ("refused" in r) return { ok: false, overflow: r.refused.includes("OverflowError") };
  return { ok: true, seconds: r.seconds };
}

/** The message of authentik's timedelta_string_validator. */
export function durationMessage(value: string): string {
  return `${value} is not in the correct format of 'hours=3;minutes=1'.`;
}

/** A spec property is an authentik duration when its description names the duration format. */
export function isDurationProperty(description: unknown): boolean {
  return typeof description === "string" && /\(Format: hours=-?1;minutes=-?2;seconds=-?3\)/.test(description);
}
