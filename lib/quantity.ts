/**
 * Kubernetes resource quantities (`2Gi`, `2560Mi`, `100m`, `+1.5e9`) as numbers, read as
 * k8s.io/apimachinery's resource.ParseQuantity reads them (pkg/api/resource/quantity.go, suffix.go):
 *
 *   <quantity>        ::= <signedNumber><suffix>
 *   <signedNumber>    ::= <number> | <sign><number>          <sign> ::= "+" | "-"
 *   <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
 *   <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
 *   <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
 *   <decimalSI>       ::= n | u | m | "" | k | M | G | T | P | E       (suffix.go; the comment omits n, u)
 *   <decimalExponent> ::= "e" <int> | "E" <int>
 *
 * The exponent is an integer: the grammar comment says <signedNumber>, but parseQuantityString stops the
 * suffix at the first character that is not a letter, a sign or a digit ("1e1.5" is refused) and the suffix
 * is read with strconv.ParseInt (int64: "1e99999999999999999999" is refused). No whitespace: ParseQuantity
 * refuses " 1" and "1 ". (The API server's JSON/CBOR decoding trims first, under a TODO to stop; the
 * Terraform kubernetes provider v2.38.0 checks a ResourceQuota's `hard` with ParseQuantity as it is, so "1Gi "
 * fails its plan.)
 *
 * The value follows Kubernetes too: a non-zero value is rounded away from zero to a multiple of 10^-9 (1n)
 * ("0.1n" is 1n, "3.001n" is 4n), and a binary-SI value is capped at 2^63-1 ("9Ei" is 2^63-1).
 *
 * Kubernetes then narrows the exponent to int32 (int32(parsed)): past ±2^31 it wraps ("1e4294967296" reads
 * as 1), and at the edge ("1e2147483648", "1e-2147483648") ParseQuantity did not return within 20 s when
 * tried. Here an exponent keeps its value; the config refuses the huge ones (above 2^63-1), tiny ones are 1n.
 *
 * One more difference, on purpose: Kubernetes' scanner also lets some inputs without a single digit through as 0
 * ("+", ".", "Gi", "k", "e3"), but not others ("Ei", "Pi": ErrNumeric), depending on which internal path
 * the suffix takes. Those are outside the documented grammar (a <number> has a digit), and to a config
 * they are only ever a typo that would silently mean zero, so they are refused here.
 */

/** The grammar above as one pattern (also the JSON Schema `pattern` of the override file's quantities). */
export const QUANTITY_PATTERN = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE])|[eE]([+-]?\d+))?$/;

/** The largest magnitude Kubernetes holds in its int64 accessors (Value()), and where it caps binary-SI values. */
export const QUANTITY_MAX = 2n ** 63n - 1n;

const BINARY_SI: Record<string, bigint> = { Ki: 10n, Mi: 20n, Gi: 30n, Ti: 40n, Pi: 50n, Ei: 60n };
const DECIMAL_SI: Record<string, bigint> = { n: -9n, u: -6n, m: -3n, k: 3n, M: 6n, G: 9n, T: 12n, P: 15n, E: 18n };
const INT64_MIN = -(2n ** 63n);
const NANO = 9n;
/** Past this power of ten a non-zero value is beyond every finite double (about 1.8e308). */
const BEYOND_DOUBLE = 330n;
const NANOS_PER_UNIT = 10n ** NANO;
/** QUANTITY_MAX in nano-units, as quantityNanos counts. */
export const QUANTITY_MAX_NANOS = QUANTITY_MAX * NANOS_PER_UNIT;

/** The text read by the grammar: its exact value in nano-units (10^-9), and whether its suffix is binary-SI. */
function read(text: string): { nanos: bigint; binary: boolean } | undefined {
  const m = QUANTITY_PATTERN.exec(text);
  if (!m) return undefined;
  const [, sign, whole = "", afterPoint, pointFirst, binary, decimal, exponent] = m;
  const fraction = afterPoint ?? pointFirst ?? "";
  let power = decimal ? DECIMAL_SI[decimal] : 0n;
  if (exponent !== undefined) {
    power = BigInt(exponent);
    if (power < INT64_MIN || power > QUANTITY_MAX) return undefined; // strconv.ParseInt(suffix[1:], 10, 64)
  }
  const negative = sign === "-" ? -1n : 1n;
  const digits = BigInt(whole + fraction);
  if (digits === 0n) return { nanos: 0n, binary: !!binary };
  // value = digits * 10^(power - fraction digits) * 2^binary, counted in nano-units
  const scale = power - BigInt(fraction.length) + NANO;
  const length = BigInt(digits.toString().length);
  // "1e400": no double holds it; a stand-in as large, without computing 10^(2^62)
  if (!binary && scale + length > BEYOND_DOUBLE + NANO) return { nanos: negative * 10n ** (BEYOND_DOUBLE + NANO), binary: false };
  const shifted = binary ? digits << BINARY_SI[binary] : digits;
  let nanos: bigint;
  if (scale >= 0n) nanos = shifted * 10n ** scale;
  // well below 1n (2^60 < 10^19): Kubernetes rounds any non-zero value up to 1n
  else if (-scale > length + 19n) nanos = 1n;
  else nanos = (shifted + 10n ** -scale - 1n) / 10n ** -scale; // rounded up, away from zero
  return { nanos: negative * nanos, binary: !!binary };
}

/**
 * The quantity's exact value in nano-units (10^-9) as Kubernetes rounds it, before Kubernetes' cap of
 * binary-SI values at 2^63-1 (so a config can refuse "9Ei" instead of letting it shrink), or undefined when
 * it is not a quantity. Values past any double ("1e400") come back as ±10^339.
 */
export function quantityNanos(text: string): bigint | undefined {
  return read(text)?.nanos;
}

/**
 * The quantity's value as Kubernetes reads it (bytes for memory, cores for CPU), or undefined when
 * Kubernetes refuses the text (or it has no digit, see above). A number is taken as it is. Values too large
 * for a double (possible with an exponent: "1e400") come back as ±Infinity.
 */
export function parseQuantity(text: unknown): number | undefined {
  if (typeof text === "number") return text;
  if (typeof text !== "string") return undefined;
  const q = read(text);
  if (!q) return undefined;
  const cap = QUANTITY_MAX_NANOS;
  const nanos = q.binary && q.nanos > cap ? cap : q.binary && q.nanos < -cap ? -cap : q.nanos;
  return nanos === 0n ? 0 : Number(`${nanos}e-9`);
}

/** Bytes as a GiB number, 3 decimals at most: 1.5 * 1024^3 -> "1.5" (for PromQL literals). */
export function gibNumber(bytes: number): string {
  return String(Number((bytes / 1024 ** 3).toFixed(3)));
}

/** Bytes as a short GiB figure for messages: 1.5 * 1024^3 -> "1.5 GiB". */
export function formatGiB(bytes: number): string {
  return `${gibNumber(bytes)} GiB`;
}
