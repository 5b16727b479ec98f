/** The layout holds: folders import only what their meaning allows (README "Layout"), read from the sources. */
import { EXCEPTIONS, LONG_FILE_MARKER, importsOf, layoutViolations, projectSources } from "./support/imports";
import { ROOT } from "./support/synth";

describe("layout rules", () => {
  const sources = projectSources(ROOT);
  const violations = layoutViolations(sources);

  it("reads the project's sources", () => {
    for (const f of ["config/stack-config.ts", "guards/registry.ts", "constructs/authentik-stack.ts", "main.ts", "app.ts"]) expect(sources.has(f)).toBe(true);
  });

  it("no source breaks a rule, except the listed files with their reasons", () => {
    expect(violations.filter((v) => !(v.file in EXCEPTIONS)).map((v) => `${v.file}: ${v.rule}: ${v.detail}`)).toEqual([]);
  });

  it("every listed exception is still needed (a stale one fails)", () => {
    for (const file of Object.keys(EXCEPTIONS)) {
      if (!sources.has(file)) continue; // moved away: the rule now holds for its new home
      expect({ file, broken: violations.some((v) => v.file === file) }).toEqual({ file, broken: true });
    }
  });
});

describe("the checker catches each forbidden arrow", () => {
  const check = (file: string, text: string) => layoutViolations(new Map([[file, text]])).map((v) => v.rule);
  it.each([
    ["guards/x.ts", 'import { COMPONENT_LABEL } from "../constructs/embedded-outpost";', "guards/ may import only"],
    ["guards/read/x.ts", 'import { y } from "../../cli/output";', "guards/ may import only"],
    ["guards/x.ts", 'import { buildApp } from "../app";', "guards/ may import only"],
    ["cli/x.ts", 'import { buildApp } from "../main";', "nothing imports the app entry"],
    ["config/x.ts", 'import { renderControllerObjects } from "../model/outpost-controller";', "config/ may import only"],
    ["config/x.ts", 'const g = require("../guards/registry");', "config/ may import only"],
    ["constructs/x.ts", 'export { main } from "../cli/main";', "constructs/ may import only"],
    ["lib/x.ts", 'import { LABEL_KEYS } from "../config";', "lib/ may import only"],
    ["lib/x.ts", 'import * as fs from "fs";', "lib/ holds pure helpers (no I/O)"],
    ["model/x.ts", 'const c = await import("../constructs/pgbouncer");', "model/ may import only"],
  ])("%s: %s", (file, text, rule) => {
    expect(check(file, text).join("\n")).toContain(rule);
  });
  it("allows the permitted arrows", () => {
    expect(check("guards/x.ts", 'import { a } from "../config";\nimport { b } from "../model/outpost-controller";\nimport { c } from "../lib/json-patch";\nimport { d } from "./types";')).toEqual([]);
    expect(check("cli/x.ts", 'import { buildApp } from "../app";')).toEqual([]);
  });
  it("flags a long file without a reason, and accepts one with it", () => {
    const body = "\nconst x = 1;".repeat(310);
    expect(check("lib/x.ts", `/** A helper. */${body}`).join()).toContain("at most 300 lines");
    expect(check("lib/x.ts", `/** A helper. ${LONG_FILE_MARKER} it is a table. */${body}`)).toEqual([]);
  });
  it("flags a construct prop without a one-line @default doc", () => {
    const text = "export interface FooProps {\n  /** Name. */\n  readonly name: string;\n  /** Size. @default 3 */\n  readonly size?: number;\n}";
    expect(check("constructs/foo.ts", text)).toEqual(["every construct prop is documented in one line with @default"]);
  });
  it("reads every import form", () => {
    expect(importsOf('import a from "./a";\nimport { b,\n c } from "./b";\nexport * from "./c";\nimport "./d";\nconst e = require("./e");\nconst f = await import("./f");')).toEqual(["./a", "./b", "./c", "./d", "./e", "./f"]);
  });
});
