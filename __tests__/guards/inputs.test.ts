/** The files guards read from the repository (guards/inputs.ts): the provider schema and the chart facts, per chart version. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chartFactsPath, chartVersionsIn, loadGuardInputs } from "../../guards/inputs";
import { ROOT } from "../support/stack-json";

function repo(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "ak-inputs-"));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), text);
  }
  return root;
}

describe("loadGuardInputs", () => {
  it("reads the committed schema and the facts of each chart version asked for", () => {
    const i = loadGuardInputs(ROOT, ["2026.2.2", "2026.5.6"]);
    expect(Object.keys(i.authentikSchema.provider_schemas).length).toBeGreaterThan(0);
    expect([...i.chartFacts!.keys()]).toEqual(["2026.2.2", "2026.5.6"]);
    expect(i.chartFacts!.get("2026.5.6")!.version).toBe("2026.5.6");
  });
  it("without a schema file there is no schema; a version without a facts file has no facts", () => {
    const root = repo({ "model/charts/1.0.0.json": '{"version": "1.0.0"}' });
    const i = loadGuardInputs(root, ["1.0.0", "2.0.0"]);
    expect(i.authentikSchema).toBeUndefined();
    expect([...i.chartFacts!.entries()]).toEqual([["1.0.0", { version: "1.0.0" }]]);
  });
  it("treats a version only as a file name: a path in it is never read", () => {
    const root = repo({ "model/x.json": '{"version": "escaped"}', "model/charts/1.0.0+build.1.json": '{"version": "ok"}' });
    const i = loadGuardInputs(path.join(root), ["../x", "1.0.0+build.1", "1.0.0/../../x", ""]);
    expect([...i.chartFacts!.keys()]).toEqual(["1.0.0+build.1"]);
  });
  it("chartFactsPath: model/charts/<version>.json under the repo", () => {
    expect(chartFactsPath("/r", "2026.2.2")).toBe(path.join("/r", "model", "charts", "2026.2.2.json"));
  });
});

describe("chartVersionsIn", () => {
  it("lists each helm release's chart version as text; none without releases", () => {
    expect(chartVersionsIn({ resource: { helm_release: { a: { version: "2026.2.2" }, b: { version: 3 } } } })).toEqual(["2026.2.2", "3"]);
    expect(chartVersionsIn({ resource: {} })).toEqual([]);
    expect(chartVersionsIn({})).toEqual([]);
  });
});
