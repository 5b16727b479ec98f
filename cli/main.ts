/**
 * `authentik-stack`: the program's entry (bin/authentik-stack.js calls main). Dispatches through the
 * command table (cli/commands.ts) and is the top-level guard: every error becomes one line (or one JSON
 * document under --json) and an exit code from cli/exit-codes.ts; no input produces a stack trace.
 */
import * as fs from "fs";
import * as path from "path";
import { packageRoot } from "../config/paths";
import { COMMANDS } from "./commands";
import { EXIT, EXIT_HELP } from "./exit-codes";
import { Io, PROGRAM, UsageError, didYouMean, runCommand } from "./framework";
import { EnvironmentError, InputError } from "../lib/errors";
import { guardStdio, write } from "../io/stdio";

/** The process's stdout/stderr; a reader that closes the pipe early (`| head`) only drops the rest (io/stdio.ts). */
const stdio: Io = {
  out: (s) => write("stdout", s + "\n"),
  err: (s) => write("stderr", s + "\n"),
};

export function version(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8"));
  return String(pkg.version);
}

export function programHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `usage: ${PROGRAM} <command> [options]`,
    `       ${PROGRAM} <command> --help | -h`,
    `       ${PROGRAM} --help | -h | --version`,
    "",
    "The authentik identity stack's operator commands (guards, alerts, plan-to-zero, upgrade checks).",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    "",
    "options:",
    "  -h, --help     show this help (after a command: that command's help)",
    "      --version  print the version and exit",
    "      --json     (on commands that have it) machine-readable output on stdout, errors included",
    "",
    "environment:",
    "  AUTHENTIK_STACK_CONFIG  a JSON file overriding the stack config (defaults: today's live values)",
    "",
    "exit codes (every command):",
    ...EXIT_HELP.map(([c, h]) => `  ${c}  ${h}`),
  ].join("\n");
}

export type ErrorKind = "usage" | "input" | "environment" | "internal";

export interface CliErrorReport {
  readonly kind: ErrorKind;
  readonly exitCode: number;
  /** One line each (a config error may list several problems). */
  readonly lines: string[];
}

function oneLine(s: string): string {
  return String(s).replace(/\s*\n\s*/g, " ").trim();
}

/** Classifies any thrown value into an exit code and one-line message(s). Never throws. */
export function classifyError(e: unknown): CliErrorReport {
  try {
    const err = e as { name?: string; message?: string; problems?: unknown };
    if (e instanceof UsageError) return { kind: "usage", exitCode: EXIT.usage, lines: [oneLine(e.message)] };
    if (err && err.name === "ConfigError" && Array.isArray(err.problems) && err.problems.length) {
      return { kind: "input", exitCode: EXIT.usage, lines: err.problems.map((p) => oneLine(String(p))) };
    }
    if (e instanceof InputError || err?.name === "ConfigError") return { kind: "input", exitCode: EXIT.usage, lines: [oneLine(err.message ?? "")] };
    if (e instanceof EnvironmentError) return { kind: "environment", exitCode: EXIT.cannotRun, lines: [oneLine(err.message ?? "")] };
    if (e instanceof RangeError && /call stack/.test(String(err.message))) {
      return { kind: "input", exitCode: EXIT.usage, lines: ["input nested too deeply to process (maximum call stack size exceeded); allowed: the documents this tool writes or reads. Fix: check the input file"] };
    }
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { kind: "internal", exitCode: EXIT.cannotRun, lines: [`internal error (a bug in ${PROGRAM}; please report it with the command line): ${oneLine(msg).slice(0, 500)}`] };
  } catch {
    return { kind: "internal", exitCode: EXIT.cannotRun, lines: ["internal error (unprintable)"] };
  }
}

/** Whether the command line asks for JSON (decided before parsing, so parse errors are JSON too). */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).includes("--json");
}

export async function main(argv: readonly string[], io: Io = stdio): Promise<number> {
  if (io === stdio) guardStdio();
  const [cmd, ...rest] = argv;
  const json = wantsJson(argv);
  try {
    if (cmd === "--version") {
      if (rest.some((a) => a !== "--json")) throw new UsageError(`--version takes no arguments (got '${rest[0]}')`);
      io.out(json ? JSON.stringify({ name: PROGRAM, version: version() }) : `${PROGRAM} ${version()}`);
      return EXIT.ok;
    }
    if (cmd === "--help" || cmd === "-h") {
      io.out(programHelp());
      return EXIT.ok;
    }
    if (cmd === "help") {
      if (rest.length === 0) {
        io.out(programHelp());
        return EXIT.ok;
      }
      return await main([rest[0], "--help"], io);
    }
    const names = COMMANDS.map((c) => c.name);
    if (cmd === undefined) throw new UsageError(`a command is required; allowed: ${names.join(", ")}. Fix: ${PROGRAM} --help`);
    const entry = COMMANDS.find((c) => c.name === cmd);
    if (!entry) {
      const dym = didYouMean(cmd.replace(/^-+/, ""), names);
      throw new UsageError(`unknown command '${cmd}'; allowed: ${names.join(", ")}. Fix: ${dym ? `did you mean '${dym}'? ` : ""}${PROGRAM} --help`);
    }
    const { command } = await entry.load();
    return await runCommand(command, rest, io);
  } catch (e) {
    const r = classifyError(e);
    const where = cmd && COMMANDS.some((c) => c.name === cmd) ? `${PROGRAM} ${cmd}` : PROGRAM;
    if (json) io.out(JSON.stringify({ result: "error", kind: r.kind, exitCode: r.exitCode, message: r.lines.join("; "), ...(r.lines.length > 1 ? { problems: r.lines } : {}) }));
    else for (const l of r.lines) io.err(`${where}: ${l}`);
    return r.exitCode;
  }
}
