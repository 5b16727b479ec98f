/** The CLI framework: help everywhere, --version, strict options, one-line errors (JSON under --json), exit codes. */
import * as fs from "fs";
import * as path from "path";
import { main, classifyError } from "../../cli/main";
import { COMMANDS } from "../../cli/commands";
import { CommandSpec, UsageError, commandHelp, didYouMean, runCommand } from "../../cli/framework";
import { EXIT } from "../../cli/exit-codes";
import { EnvironmentError, InputError } from "../../lib/errors";
import { ROOT } from "../support/synth";

async function call(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join("\n"), err: err.join("\n"), errLines: err };
}

const pkgVersion = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version;

describe("program", () => {
  it("--help and -h list every command of the table and the four exit codes", async () => {
    for (const flag of ["--help", "-h", "help"]) {
      const r = await call([flag]);
      expect(r.code).toBe(0);
      for (const c of COMMANDS) expect(r.out).toContain(`  ${c.name}`);
      for (const code of [0, 1, 2, 3]) expect(r.out).toMatch(new RegExp(`^  ${code}  `, "m"));
    }
  });
  it("--version prints the package version", async () => {
    expect(await call(["--version"])).toMatchObject({ code: 0, out: `authentik-stack ${pkgVersion}` });
    expect(JSON.parse((await call(["--version", "--json"])).out)).toEqual({ name: "authentik-stack", version: pkgVersion });
  });
  it("no command, or an unknown one, is a one-line usage error with a suggestion", async () => {
    expect(await call([])).toMatchObject({ code: 2, errLines: [expect.stringContaining("a command is required; allowed: check, alerts")] });
    const r = await call(["plan-to-zer"]);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual([`authentik-stack: unknown command 'plan-to-zer'; allowed: ${COMMANDS.map((c) => c.name).join(", ")}. Fix: did you mean 'plan-to-zero'? authentik-stack --help`]);
  });
});

describe("every command", () => {
  it.each(COMMANDS.map((c) => c.name))("%s: --help and -h print complete usage (synopsis, every option, exit codes) and exit 0", async (name) => {
    const { command } = await COMMANDS.find((c) => c.name === name)!.load();
    for (const flag of ["--help", "-h"]) {
      const r = await call([name, flag]);
      expect(r.code).toBe(0);
      expect(r.out.split("\n")[0]).toMatch(new RegExp(`^usage: authentik-stack ${name}`));
      for (const opt of Object.keys(command.options)) expect(r.out).toContain(`--${opt}`);
      expect(r.out).toContain("-h, --help");
      expect(r.out).toMatch(/exit codes:\n  0 .*\n  1 .*\n  2 .*\n  3 /);
    }
    expect((await call(["help", name])).out).toBe((await call([name, "--help"])).out);
  });
  it.each(COMMANDS.map((c) => c.name))("%s: an unknown option exits 2 with one line; as JSON under --json", async (name) => {
    const r = await call([name, "--no-such-option"]);
    expect(r.code).toBe(2);
    expect(r.errLines).toHaveLength(1);
    expect(r.errLines[0]).toMatch(new RegExp(`^authentik-stack ${name}: unknown option '--no-such-option'; allowed: .*--help`));
    const j = await call([name, "--json", "--no-such-option"]);
    expect(j.code).toBe(2);
    expect(j.err).toBe("");
    expect(JSON.parse(j.out)).toMatchObject({ result: "error", kind: "usage", exitCode: 2 });
  });
});

describe("runCommand", () => {
  const ran: unknown[] = [];
  const spec: CommandSpec = {
    name: "demo",
    summary: "a demo",
    description: "Demo.",
    options: {
      mode: { type: "string", choices: ["a", "b"], help: "mode" },
      tag: { type: "string", multiple: true, value: "T", help: "tags" },
      json: { type: "boolean", help: "json" },
    },
    positionals: { usage: "<file>", min: 1, max: 1 },
    run: (ctx) => (ran.push([ctx.str("mode"), ctx.strs("tag"), ctx.json, ctx.positionals]), 0),
  };
  const io = { out: () => undefined, err: () => undefined };
  it("passes parsed values, repeatable options in order, and positionals", async () => {
    expect(await runCommand(spec, ["--mode", "b", "--tag=x", "--tag", "y", "--json", "f.json"], io)).toBe(0);
    expect(ran.pop()).toEqual(["b", ["x", "y"], true, ["f.json"]]);
  });
  it.each([
    [["f", "--mode", "c"], /--mode "c": not allowed; allowed: a, b/],
    [["f", "--mode", "a", "--mode", "b"], /--mode given 2 times; allowed: once/],
    [["f", "--mode"], /--mode needs a value/],
    [["f", "--json=yes"], /--json takes no value/],
    [[], /missing argument; usage: authentik-stack demo <file>/],
    [["f", "g"], /too many arguments \('f' 'g'\)/],
    [["f", "--mod", "a"], /unknown option '--mod'.*did you mean --mode\?/],
  ])("refuses %j with one line", async (argv, msg) => {
    const e = await runCommand(spec, argv as string[], io).catch((x) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(msg as RegExp);
    expect(e.message).not.toContain("\n");
  });
  it("sub-commands: each has its own help; an unknown one is refused with a suggestion", async () => {
    const parent: CommandSpec = { name: "box", summary: "box", description: "Box.", options: {}, subcommands: { up: { ...spec, name: "up", summary: "start" }, down: { ...spec, name: "down", summary: "stop" } } };
    expect(commandHelp(parent)).toContain("usage: authentik-stack box <up|down>");
    const out: string[] = [];
    expect(await runCommand(parent, ["up", "--help"], { out: (s) => out.push(s), err: () => undefined })).toBe(0);
    expect(out[0]).toMatch(/^usage: authentik-stack box up /);
    await expect(runCommand(parent, ["dwn"], io)).rejects.toThrow(/unknown command 'dwn'; allowed: up, down\. Fix: did you mean 'down'\?/);
  });
});

describe("classifyError (the top-level guard)", () => {
  it("maps each kind to its exit code and one line; an unknown error is internal, exit 3, no stack", () => {
    expect(classifyError(new UsageError("x"))).toEqual({ kind: "usage", exitCode: EXIT.usage, lines: ["x"] });
    expect(classifyError(new InputError("file: bad\nsecond line"))).toEqual({ kind: "input", exitCode: 2, lines: ["file: bad second line"] });
    expect(classifyError(new EnvironmentError("terraform missing"))).toMatchObject({ kind: "environment", exitCode: 3 });
    const cfg = Object.assign(new Error("invalid stack config:\n  - a\n  - b"), { name: "ConfigError", problems: ["a: bad", "b: bad"] });
    expect(classifyError(cfg)).toEqual({ kind: "input", exitCode: 2, lines: ["a: bad", "b: bad"] });
    const internal = classifyError(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(internal).toMatchObject({ kind: "internal", exitCode: 3 });
    expect(internal.lines).toHaveLength(1);
    expect(internal.lines[0]).not.toMatch(/\n|    at /);
    expect(classifyError(new RangeError("Maximum call stack size exceeded"))).toMatchObject({ kind: "input", exitCode: 2 });
    expect(classifyError("a string")).toMatchObject({ kind: "internal", exitCode: 3 });
  });
  it("didYouMean suggests only near misses", () => {
    expect(didYouMean("stak", ["stack", "json"])).toBe("stack");
    expect(didYouMean("zzzzzz", ["stack", "json"])).toBeUndefined();
  });
});
