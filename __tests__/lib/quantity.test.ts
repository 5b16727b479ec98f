/**
 * Kubernetes quantities read as k8s.io/apimachinery's resource.ParseQuantity reads them
 * (pkg/api/resource/quantity.go, suffix.go). The first tables are TestQuantityParse's own in
 * pkg/api/resource/quantity_test.go: its accepted inputs with the value its decQuantity(mantissa, scale)
 * says (mantissa * 10^scale, written out here by hand), each also with a leading "-" and "+" as that test
 * does, and its `invalid` list. The further cases follow from the source (suffix.go's suffixes,
 * strconv.ParseInt for the exponent); every expected value here was also checked against the real
 * ParseQuantity (apimachinery v0.34.3), never computed with lib/quantity.
 */
import { QUANTITY_MAX, QUANTITY_PATTERN, parseQuantity, quantityNanos } from "../../lib/quantity";

const Ki = 1024;
const Mi = 1024 ** 2;
const Gi = 1024 ** 3;
const Ti = 1024 ** 4;
const Pi = 1024 ** 5;
const Ei = 1024 ** 6;
/** maxAllowed in quantity.go: 2^63-1 (as a double, 2^63). */
const MAX_ALLOWED = Number(2n ** 63n - 1n);

// quantity_test.go TestQuantityParse `table`: input -> decQuantity(mantissa, scale) as a number
const KUBERNETES_ACCEPTS: ReadonlyArray<[string, number]> = [
  ["0", 0], ["0n", 0], ["0u", 0], ["0m", 0], ["0Ki", 0], ["0k", 0], ["0Mi", 0], ["0M", 0], ["0Gi", 0], ["0G", 0], ["0Ti", 0], ["0T", 0],
  // Quantity less numbers are allowed
  ["1", 1],
  // Binary suffixes
  ["1Ki", 1024], ["8Ki", 8 * Ki], ["7Mi", 7 * Mi], ["6Gi", 6 * Gi], ["5Ti", 5 * Ti], ["4Pi", 4 * Pi], ["3Ei", 3 * Ei], ["10Ti", 10 * Ti], ["100Ti", 100 * Ti],
  // Decimal suffixes
  ["5n", 5e-9], ["4u", 4e-6], ["3m", 3e-3], ["9", 9], ["8k", 8e3], ["50k", 5e4], ["7M", 7e6], ["6G", 6e9], ["5T", 5e12], ["40T", 4e13], ["300T", 3e14], ["2P", 2e15], ["1E", 1e18],
  // Decimal exponents
  ["1E-3", 1e-3], ["1e3", 1e3], ["1E6", 1e6], ["1e9", 1e9], ["1E12", 1e12], ["1e15", 1e15], ["1E18", 1e18],
  // Nonstandard but still parsable
  ["1e14", 1e14], ["1e13", 1e13], ["100.035k", 100035],
  // Things that look like floating point
  ["0.001", 1e-3], ["0.0005k", 5e-1], ["0.005", 5e-3], ["0.05", 5e-2], ["0.5", 5e-1], ["0.00050k", 5e-1], ["0.00500", 5e-3], ["0.05000", 5e-2], ["0.50000", 5e-1],
  ["0.5e0", 5e-1], ["0.5e-1", 5e-2], ["0.5e-2", 5e-3], ["10.035M", 10035e3],
  ["1.2e3", 12e2], ["1.3E+6", 13e5], ["1.40e9", 14e8], ["1.53E12", 153e10], ["1.6e15", 16e14], ["1.7E18", 17e17],
  ["9.01", 901e-2], ["8.1k", 81e2], ["7.123456M", 7123456], ["6.987654321G", 6987654321], ["5.444T", 5444e9], ["40.1T", 401e11], ["300.2T", 3002e11], ["2.5P", 25e14], ["1.01E", 101e16],
  // Things that saturate/round (up to 1n, and binary-SI capped at maxAllowed)
  ["3.001n", 4e-9], ["1.1E-9", 2e-9], ["0.0000000001", 1e-9], ["0.0000000005", 1e-9], ["0.00000000050", 1e-9], ["0.5e-9", 1e-9], ["0.9n", 1e-9],
  ["0.00000012345", 124e-9], ["0.00000012354", 124e-9], ["9Ei", MAX_ALLOWED], ["9223372036854775807Ki", MAX_ALLOWED], ["12E", 12e18],
  // We'll accept fractional binary stuff, too.
  ["100.035Ki", 10243584e-2], ["0.5Mi", 0.5 * Mi], ["0.05Gi", 536870912e-1], ["0.025Ti", 274877906944e-1],
  // Things written by trolls
  ["0.000000000001Ki", 2e-9], [".001", 1e-3], [".0001k", 100e-3], ["1.", 1], ["1.G", 1e9],
];

// quantity_test.go TestQuantityParse `invalid`, its empty-string check and TestQuantityParseNonNumericPanic
const KUBERNETES_REFUSES = ["1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1", "1 ", "", "Non-Numeric"];

describe("parseQuantity: Kubernetes' own test table (quantity_test.go)", () => {
  it.each(KUBERNETES_ACCEPTS)("%j is %d", (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });
  it.each(KUBERNETES_ACCEPTS)("-%s is the negative", (text, value) => {
    expect(parseQuantity(`-${text}`)).toBe(value === 0 ? 0 : -value);
  });
  it.each(KUBERNETES_ACCEPTS)("+%s is the same", (text, value) => {
    expect(parseQuantity(`+${text}`)).toBe(value);
  });
  it.each(KUBERNETES_REFUSES)("%j is refused", (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});

describe("parseQuantity: the grammar's corners, from the source", () => {
  it.each([
    // the forms issue 12 found refused: sign, .<digits>, <digits>., e/E exponents
    ["+1Gi", Gi],
    [".5Gi", 0.5 * Gi],
    ["1.Gi", Gi],
    ["1E3", 1e3],
    ["1.5e-3", 0.0015],
    ["1.0e+03", 1e3],
    ["1e-0", 1],
    ["00012", 12],
    ["-0", 0],
    ["2560Mi", 2560 * Mi],
    ["2Gi", 2 * Gi],
    ["100m", 0.1],
    ["1e-20", 1e-9], // non-zero rounds up to 1n
    ["-0.1n", -1e-9], // away from zero
    ["16Ei", MAX_ALLOWED], // 2^64: binary-SI is capped at 2^63-1
    ["-9Ei", -MAX_ALLOWED],
    ["9223372036854775808", 2 ** 63], // decimal is not capped
    ["1e400", Infinity], // Kubernetes holds 10^400; no double does
    ["-1e400", -Infinity],
  ])("%j is %d", (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });
  it.each([
    ["1Gi "], ["\t1Gi"], ["1 Gi"], // ParseQuantity trims nothing
    ["1ki"], ["1K"], ["1KI"], ["1gi"], ["1mi"], // suffix.go: no other spellings
    ["1e"], ["1E+"], ["1e1.5"], ["1e.5"], ["1Ee3"], ["1e3Gi"], ["1Gie3"], ["1k3"], // e/E + an integer (strconv.ParseInt), nothing after
    ["1e9223372036854775808"], ["1e-9223372036854775809"], // ...that fits int64
    ["++1"], ["+-1"], ["0x10"], ["1_000"], ["１"], ["1,5"], ["Ei"],
  ])("%j is refused, as Kubernetes refuses it", (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
  // TestParseQuantityString scans "." and "-." without error, and ParseQuantity reads these as 0 (but "Ei"
  // above, or "Pi", as ErrNumeric): outside the documented <number>, a typo that would silently mean zero
  it.each([["."], ["-."], ["+"], ["-"], ["Gi"], ["k"], ["m"], ["e3"], ["+e-9"]])("%j (no digit; Kubernetes happens to read 0) is refused", (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
  it("takes a number as it is, and nothing else that is not a string", () => {
    expect(parseQuantity(1.5)).toBe(1.5);
    for (const v of [undefined, null, true, {}, ["1Gi"]]) expect(parseQuantity(v)).toBeUndefined();
  });
  it("QUANTITY_PATTERN (the JSON Schema's) matches exactly the grammar", () => {
    for (const [text] of KUBERNETES_ACCEPTS) expect(QUANTITY_PATTERN.test(text)).toBe(true);
    for (const text of KUBERNETES_REFUSES) expect(QUANTITY_PATTERN.test(text)).toBe(false);
    for (const text of ["+1Gi", ".5Gi", "1.Gi", "1E3", "-1.5e-3", "1E", "5n", "4u"]) expect(QUANTITY_PATTERN.test(text)).toBe(true);
    for (const text of [".", "Gi", "e3", "1e1.5", "1ki", "1Gi "]) expect(QUANTITY_PATTERN.test(text)).toBe(false);
  });
});

describe("quantityNanos: exact, before the binary-SI cap", () => {
  it.each([
    ["2Gi", 2n * 2n ** 30n * 10n ** 9n],
    ["100m", 100_000_000n],
    ["3.001n", 4n],
    ["-1", -(10n ** 9n)],
    ["9223372036854775807", QUANTITY_MAX * 10n ** 9n],
    ["9Ei", 9n * 2n ** 60n * 10n ** 9n], // Kubernetes would cut it to 2^63-1: a config can see that
    ["0.0", 0n],
  ])("%j is %s nano-units", (text, nanos) => {
    expect(quantityNanos(text)).toBe(nanos);
  });
  it("is beyond 2^63-1 for 1e400 without computing 10^400 exactly, and undefined for a non-quantity", () => {
    expect(quantityNanos("1e400")! > QUANTITY_MAX * 10n ** 9n).toBe(true);
    expect(quantityNanos("-1e4000000000000000000")! < -QUANTITY_MAX * 10n ** 9n).toBe(true); // the exponent fits int64
    expect(quantityNanos("1e10000000000000000000")).toBeUndefined(); // it does not
    expect(quantityNanos("1e-2000000000")).toBe(1n); // far below 1n: rounds up to it
    expect(quantityNanos("1Gi ")).toBeUndefined();
  });
});
