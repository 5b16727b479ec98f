/**
 * authentik's duration parser, reproduced from authentik/lib/utils/time.py (2026.2):
 * `timedelta_from_string` splits on ";", each pair on "=" (exactly one "=", else ValueError), skips keys
 * that are not (case-insensitively) one of ALLOWED_KEYS, parses the value with Python's float() after
 * stripping whitespace, and fails when no allowed key remains. `timedelta_string_validator` turns a
 * ValueError into the field error below. Python's timedelta() raises OverflowError (not ValueError) for
 * infinite or too-large values, which the real server does not catch: a 500, reproduced as `overflow`.
 */
const ALLOWED_KEYS = ["microseconds", "milliseconds", "seconds", "minutes", "hours", "days", "weeks"] as const;
const SECONDS: Record<(typeof ALLOWED_KEYS)[number], number> = {
  microseconds: 1e-6,
  milliseconds: 1e-3,
  seconds: 1,
  minutes: 60,
  hours: 3600,
  days: 86400,
  weeks: 604800,
};
/** Python float() literals: digits with single underscores between them, optional fraction/exponent, inf, nan. */
const PY_FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)(?:\.(?:\d(?:_?\d)*)?)?(?:[eE][+-]?\d(?:_?\d)*)?|\.\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|inf|infinity|nan)$/i;
/** timedelta's range: |days| <= 999999999. */
const MAX_SECONDS = 999_999_999 * 86400;

export type DurationResult = { ok: true; seconds: number } | { ok: false; overflow: boolean };

/** Python str.strip() whitespace (ASCII subset that matters for HTTP bodies). */
function pyStrip(s: string): string {
  return s.replace(/^[\s\u001c-\u001f\u0085]+|[\s\u001c-\u001f\u0085]+$/g, "");
}

export function parseDuration(expr: string): DurationResult {
  let total = 0;
  let keys = 0;
  for (const pair of expr.split(";")) {
    const parts = pair.split("=");
    if (parts.length !== 2) return { ok: false, overflow: false };
    const key = parts[0].toLowerCase() as (typeof ALLOWED_KEYS)[number];
    if (!ALLOWED_KEYS.includes(key)) continue;
    const raw = pyStrip(parts[1]);
    if (!PY_FLOAT.test(raw)) return { ok: false, overflow: false };
    const value = Number(raw.replace(/_/g, "").replace(/^([+-]?)inf(inity)?$/i, "$1Infinity"));
    if (Number.isNaN(value) || /nan/i.test(raw)) return { ok: false, overflow: false }; // timedelta(nan): ValueError
    if (!Number.isFinite(value)) return { ok: false, overflow: true };
    total += value * SECONDS[key];
    keys++;
  }
  if (keys < 1) return { ok: false, overflow: false };
  if (Math.abs(total) > MAX_SECONDS) return { ok: false, overflow: true };
  return { ok: true, seconds: total };
}

/** The message of authentik's timedelta_string_validator. */
export function durationMessage(value: string): string {
  return `${value} is not in the correct format of 'hours=3;minutes=1'.`;
}

/** A spec property is an authentik duration when its description names the duration format. */
export function isDurationProperty(description: unknown): boolean {
  return typeof description === "string" && /\(Format: hours=-?1;minutes=-?2;seconds=-?3\)/.test(description);
}
