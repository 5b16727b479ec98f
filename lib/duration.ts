/**
 * authentik's duration syntax (`weeks=4;days=2`), read exactly as authentik reads it, and a strict form for
 * our own config that refuses whatever authentik would silently misread.
 *
 * authentik 2026.2, authentik/lib/utils/time.py `timedelta_from_string`: split the text on ";"; split each
 * part on "=" (anything but exactly one "=" is a ValueError); lower-case the key and SKIP it silently when
 * it is not one of microseconds, milliseconds, seconds, minutes, hours, days, weeks (the key is not
 * stripped: " days" is skipped); parse the value with Python's float() after strip() (so "1_0", "1e3",
 * "inf", "-2" are numbers); a repeated key overwrites the earlier one (a kwargs dict); no key left is a
 * ValueError; `datetime.timedelta(**kwargs)` then raises OverflowError for infinity or more than
 * 999999999 days (which authentik's validator does not catch) and ValueError for NaN.
 * So `weeks=4; days=2` is 28 days to authentik, not 30.
 */

/** Units authentik accepts, with their length in seconds. */
export const DURATION_UNITS: Readonly<Record<string, number>> = {
  weeks: 7 * 24 * 3600,
  days: 24 * 3600,
  hours: 3600,
  minutes: 60,
  seconds: 1,
  milliseconds: 1e-3,
  microseconds: 1e-6,
};

/** Python float() literals (after strip()): digits with single underscores between, fraction, exponent, inf, nan. */
const PY_FLOAT = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?(?:[eE][+-]?\d(?:_?\d)*)?|\.\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|inf(?:inity)?|nan)$/i;
/** The number forms our strict parser accepts: plain decimals. */
const PLAIN_NUMBER = /^\d+(?:\.\d+)?$/;
/** Python's timedelta range: |days| <= 999999999. */
const MAX_SECONDS = 999_999_999 * 86400;

/** What authentik makes of a duration text: its length in seconds, or why authentik refuses it. */
export type AuthentikReading = { readonly seconds: number; readonly ignored: readonly string[]; readonly overwritten: readonly string[] } | { readonly refused: string };

/** Python's str.strip() (ASCII whitespace and the separators Python also strips). */
function pyStrip(s: string): string {
  return s.replace(/^[\s\u001c-\u001f\u0085]+|[\s\u001c-\u001f\u0085]+$/g, "");
}

/** Reads a duration exactly as authentik's timedelta_from_string does (see the header). */
export function authentikReading(text: string): AuthentikReading {
  if (typeof text !== "string") return { refused: `${text === null ? "null" : typeof text} is not text` };
  const values = new Map<string, number>();
  const ignored: string[] = [];
  const overwritten: string[] = [];
  for (const pair of text.split(";")) {
    const parts = pair.split("=");
    if (parts.length !== 2) return { refused: `'${pair}' is not key=value (ValueError)` };
    const key = parts[0].toLowerCase();
    if (!(key in DURATION_UNITS)) {
      ignored.push(parts[0]);
      continue;
    }
    const raw = pyStrip(parts[1]);
    if (!PY_FLOAT.test(raw)) return { refused: `'${parts[1]}' is not a number to Python's float() (ValueError)` };
    // NaN is refused by timedelta() below, after the dict is built: a later repeat of the key replaces it
    const value = /nan/i.test(raw) ? NaN : /inf/i.test(raw) ? (raw.startsWith("-") ? -Infinity : Infinity) : Number(raw.replace(/_/g, ""));
    if (values.has(key)) overwritten.push(key);
    values.set(key, value);
  }
  if (values.size === 0) return { refused: "no valid unit (ValueError: No valid keys to pass to timedelta)" };
  if ([...values.values()].some((v) => Number.isNaN(v))) return { refused: "NaN is not a duration (ValueError)" };
  let seconds = 0;
  for (const [k, v] of values) seconds += v * DURATION_UNITS[k];
  if (!Number.isFinite(seconds) || Math.abs(seconds) > MAX_SECONDS) return { refused: "out of timedelta's range (OverflowError: the server answers 500)" };
  // timedelta keeps whole microseconds
  return { seconds: Math.round(seconds * 1e6) / 1e6, ignored, overwritten };
}

function days(seconds: number): string {
  const d = seconds / 86400;
  return `${Number.isInteger(d) ? d : d.toFixed(3)} days`;
}

/**
 * Parses a duration for our config: the value authentik will use, or an error when authentik would refuse
 * it, or read it other than it reads (a skipped pair, a repeated unit, a number form other than a plain
 * decimal), or when it is zero or negative.
 */
export function parseDuration(text: string): { seconds: number } | { error: string } {
  if (typeof text !== "string" || text.trim() === "") return { error: "it is empty" };
  const r = authentikReading(text);
  if ("refused" in r) return { error: `authentik refuses it: ${r.refused}` };
  const pairs = text.split(";").map((p) => p.split("="));
  const strict = pairs.filter(([k]) => !(k in DURATION_UNITS)).map(([k]) => k);
  if (r.ignored.length) {
    const k = r.ignored[0];
    return { error: `authentik silently ignores '${k}' (${k !== k.trim() ? "spaces around the unit" : "not a unit"}) and reads ${days(r.seconds)}` };
  }
  if (r.overwritten.length) return { error: `'${r.overwritten[0]}' is given twice; authentik keeps only the last and reads ${days(r.seconds)}` };
  if (strict.length) return { error: `'${strict[0]}' is not lower-case; write '${strict[0].toLowerCase()}'` };
  const odd = pairs.find(([, v]) => !PLAIN_NUMBER.test(v));
  if (odd) return { error: `'${odd[1]}' is not a plain number (digits, optionally a decimal point); authentik's float() would read it as ${days(r.seconds)} in total` };
  if (r.seconds <= 0) return { error: "it is zero" };
  return { seconds: r.seconds };
}

/** Like parseDuration, but throws; for values already validated by the config. */
export function durationSeconds(text: string): number {
  const r = parseDuration(text);
  if ("error" in r) throw new Error(`invalid authentik duration '${text}': ${r.error}`);
  return r.seconds;
}

export const DURATION_HELP = "semicolon-separated unit=number pairs without spaces, each unit once, units weeks, days, hours, minutes, seconds, milliseconds, microseconds (e.g. 'weeks=4;days=2')";
