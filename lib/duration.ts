/**
 * authentik's duration syntax (`weeks=4;days=2`), as its `timedelta_string_validator` accepts it:
 * semicolon-separated `unit=number` pairs whose units are Python timedelta keywords.
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

const PAIR = /^([a-z]+)=(\d+(?:\.\d+)?)$/;

/** Parses an authentik duration into seconds; returns an error string instead when it is invalid. */
export function parseDuration(text: string): { seconds: number } | { error: string } {
  if (typeof text !== "string" || text.trim() === "") return { error: "it is empty" };
  let seconds = 0;
  const seen = new Set<string>();
  for (const raw of text.split(";")) {
    const part = raw.trim();
    const m = PAIR.exec(part);
    if (!m) return { error: `'${part}' is not unit=number` };
    const [, unit, value] = m;
    if (!(unit in DURATION_UNITS)) return { error: `'${unit}' is not a unit (allowed: ${Object.keys(DURATION_UNITS).join(", ")})` };
    if (seen.has(unit)) return { error: `'${unit}' is given twice` };
    seen.add(unit);
    seconds += Number(value) * DURATION_UNITS[unit];
  }
  if (seconds <= 0) return { error: "it is zero" };
  return { seconds };
}

/** Like parseDuration, but throws; for values already validated by the config. */
export function durationSeconds(text: string): number {
  const r = parseDuration(text);
  if ("error" in r) throw new Error(`invalid authentik duration '${text}': ${r.error}`);
  return r.seconds;
}

export const DURATION_HELP = "semicolon-separated unit=number pairs, units weeks, days, hours, minutes, seconds, milliseconds, microseconds (e.g. 'weeks=4;days=2')";
