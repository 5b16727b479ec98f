/** Small pure parts of the box: the CRI log line, the outpost's start-up lines, the `ak shell` stand-in. */
import { SESSION_QUERY } from "../../engine/verify";
import { extractSql, pythonIsoformat } from "../../box/ak-shell";
import { criLine, startupLines } from "../../box/outpost-runtime";
import { chartIndex } from "../../box/chart-repo";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

describe("outpost logs", () => {
  it("are CRI lines: RFC3339 with nanoseconds, stream, full-line tag, text", () => {
    expect(criLine(new Date("2026-11-30T01:02:03.456Z"), "hello")).toBe("2026-11-30T01:02:03.456000000Z stdout F hello");
  });
  it("say the outpost mode and session backend as verify-upgrade's step 3 reads them", () => {
    const lines = startupLines(new Date(), true, "2026.2.2").map((l) => JSON.parse(l));
    expect(lines.find((l) => l.event === "Outpost mode")).toMatchObject({ embedded: true });
    expect(lines.some((l) => l.event === "using PostgreSQL session backend")).toBe(true);
    const fsLines = startupLines(new Date(), false, "2026.2.2").map((l) => JSON.parse(l));
    expect(fsLines.some((l) => l.event === "using filesystem session backend")).toBe(true);
  });
});

describe("ak shell stand-in", () => {
  it("takes the SQL out of verify-upgrade's query and refuses anything else", () => {
    expect(extractSql(SESSION_QUERY)).toBe("SELECT COUNT(*), MAX(expires) FROM authentik_providers_proxy_proxysession");
    expect(() => extractSql("c.execute('DELETE FROM authentik_providers_proxy_proxysession')")).toThrow(/only the proxy-session query/);
    expect(() => extractSql("print(1)")).toThrow(/c.execute/);
  });
  it("prints timestamps as Python's isoformat does", () => {
    expect(pythonIsoformat("2026-12-28 01:02:03.5+00")).toBe("2026-12-28T01:02:03.500000+00:00");
    expect(pythonIsoformat("2026-12-28 01:02:03+05:30")).toBe("2026-12-28T01:02:03+05:30");
  });
});

describe("chart repository index", () => {
  it("lists each package with its digest and URL", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-charts-"));
    fs.writeFileSync(path.join(dir, "authentik-2026.2.2.tgz"), "a");
    fs.writeFileSync(path.join(dir, "authentik-2026.5.6.tgz"), "b");
    fs.writeFileSync(path.join(dir, "README"), "not a package");
    const idx = parse(chartIndex(dir, "https://charts.goauthentik.io/"));
    expect(idx.entries.authentik.map((e: any) => e.version)).toEqual(["2026.2.2", "2026.5.6"]);
    expect(idx.entries.authentik[0].urls).toEqual(["https://charts.goauthentik.io/authentik-2026.2.2.tgz"]);
    expect(idx.entries.authentik[0].digest).toMatch(/^[0-9a-f]{64}$/);
  });
});
