/**
 * Durations read as authentik 2026.2's timedelta_from_string reads them (authentik/lib/utils/time.py:
 * split on ";", each pair on "=", unknown keys skipped, float() values, last key wins, timedelta range),
 * and the strict form the config uses, which refuses what authentik would silently misread.
 * Expected values are worked out from Python's semantics, not from this code.
 */
import { authentikReading, durationSeconds, parseDuration } from "../../lib/duration";

const DAY = 86400;

describe("authentikReading (what authentik yields)", () => {
  it.each([
    ["weeks=4", 28 * DAY],
    ["weeks=4;days=2", 30 * DAY],
    ["weeks=4; days=2", 28 * DAY], // ' days' is not an allowed key: skipped
    ["week=4;days=2", 2 * DAY], // typo skipped
    ["WEEKS=4", 28 * DAY], // key.lower()
    ["days=1;days=2", 2 * DAY], // kwargs: the last wins
    ["hours= 2 ", 7200], // value.strip()
    ["hours=1_0", 36000], // float("1_0") == 10.0
    ["minutes=1e1", 600],
    ["seconds=-30", -30], // negative timedeltas are valid to Python
    ["seconds=0", 0],
    ["milliseconds=1.5", 0.0015],
  ])("%j -> %d s", (text, seconds) => {
    expect(authentikReading(text)).toMatchObject({ seconds });
  });
  it.each([
    ["", /not key=value/], // "".split("=") has one part
    ["weeks=4;", /'' is not key=value/],
    ["weeks==4", /not key=value/],
    ["weeks", /not key=value/],
    ["eons=1", /No valid keys/],
    [" days=2", /No valid keys/],
    ["days=two", /not a number to Python's float/],
    ["days=1 0", /not a number/],
    ["days=nan", /NaN/],
    ["days=inf", /OverflowError/],
    ["days=1e9", /OverflowError/],
  ])("%j is refused by authentik", (text, why) => {
    const r = authentikReading(text);
    expect(r).toHaveProperty("refused");
    expect((r as { refused: string }).refused).toMatch(why);
  });
});

describe("parseDuration (our config: authentik's reading, nothing it would misread)", () => {
  it("accepts canonical durations with authentik's value", () => {
    expect(parseDuration("weeks=4")).toEqual({ seconds: 28 * DAY });
    expect(parseDuration("weeks=4;days=2")).toEqual({ seconds: 30 * DAY });
    expect(parseDuration("hours=1.5")).toEqual({ seconds: 5400 });
    expect(durationSeconds("minutes=5")).toBe(300);
  });
  it.each([
    ["weeks=4; days=2", /authentik silently ignores ' days' \(spaces around the unit\) and reads 28 days/],
    ["week=4;days=2", /authentik silently ignores 'week' \(not a unit\) and reads 2 days/],
    ["days=1;days=2", /'days' is given twice; authentik keeps only the last and reads 2 days/],
    ["WEEKS=4", /'WEEKS' is not lower-case/],
    ["hours=1_0", /'1_0' is not a plain number/],
    ["hours= 2", /' 2' is not a plain number/],
    ["minutes=1e1", /not a plain number/],
    ["seconds=-30", /'-30' is not a plain number/],
    ["weeks=0", /it is zero/],
    ["", /it is empty/],
    ["weeks=four", /authentik refuses it/],
    ["weeks=4;", /authentik refuses it/],
    ["days=inf", /authentik refuses it: .*OverflowError/],
  ])("%j is refused: %s", (text, why) => {
    const r = parseDuration(text);
    expect(r).toHaveProperty("error");
    expect((r as { error: string }).error).toMatch(why);
  });
  it("durationSeconds throws on what parseDuration refuses", () => {
    expect(() => durationSeconds("weeks=4; days=2")).toThrow(/ignores ' days'/);
  });
});

describe("authentikReading: NaN is refused by timedelta(), after the kwargs dict is built", () => {
  it("a NaN that a later repeat of its key replaces is no error (Python: the dict keeps the last value)", () => {
    expect(authentikReading("hours=nan;hours=1")).toMatchObject({ seconds: 3600 });
    expect(authentikReading("hours=nan")).toEqual({ refused: "NaN is not a duration (ValueError)" });
  });
});
