/**
 * The command framework of `authentik-stack` (node:util parseArgs underneath).
 *
 * Pattern, for a new command:
 *   1. create `cli/<name>.ts` exporting `command: CommandSpec` (options with one-line help, what the
 *      positionals are, what each exit code means for it, `run(ctx)` returning an exit code);
 *   2. add ONE line to the table in `cli/commands.ts` (name, summary, lazy `load`).
 * The framework gives every command `--help`/`-h` with complete usage text, strict option parsing with a
 * one-line error (unknown option, a did-you-mean, missing value, repeated single option, bad choice),
 * `--json` errors as JSON on stdout, and the top-level guard in `cli/main.ts` that turns every thrown
 * error into one line and an exit code (cli/exit-codes.ts): UsageError/InputError/ConfigError → 2,
 * EnvironmentError (ExecError, HttpError, ...) → 3, anything else → 3 as an internal error, never a
 * stack trace. Engines (engine/) throw those errors; commands never call process.exit.
 */
import { parseArgs } from "util";
import { EXIT, EXIT_HELP, ExitCode } from "./exit-codes";
import { InputError } from "../lib/errors";
import { didYouMean } from "../lib/did-you-mean";

export const PROGRAM = "authentik-stack";

/** A bad command line (exit 2). The message is one line: what was seen, what is allowed, the fix. */
export class UsageError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface OptionSpec {
  readonly type: "boolean" | "string";
  /** One-letter alias (`-h`). */
  readonly short?: string;
  /** May be given several times (values collected in order). @default false */
  readonly multiple?: boolean;
  /** Placeholder for the value in usage text (`--stack NAME`). @default "VALUE" */
  readonly value?: string;
  /** One line of help. */
  readonly help: string;
  /** The allowed values (checked by the framework). @default - any */
  readonly choices?: readonly string[];
}

export interface CommandContext {
  /** The parsed options, by long name (string, boolean, or arrays for `multiple`). */
  readonly values: Readonly<Record<string, string | boolean | Array<string | boolean> | undefined>>;
  readonly positionals: readonly string[];
  /** `--json` was given: print one JSON document on stdout, errors included. */
  readonly json: boolean;
  /** A line on stdout. */
  out(line: string): void;
  /** A progress line on stderr (stdout stays machine-readable). */
  progress(line: string): void;
  /** A string option's value (the last one for `multiple`). */
  str(name: string): string | undefined;
  /** Every value of a `multiple` string option. */
  strs(name: string): string[];
  flag(name: string): boolean;
}

export interface CommandSpec {
  readonly name: string;
  /** One line, shown in the program's help. */
  readonly summary: string;
  /** What it does, a few lines, shown in the command's help. */
  readonly description: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Positional arguments in usage text (`[cdk.tf.json]`). @default - none accepted */
  readonly positionals?: { readonly usage: string; readonly min?: number; readonly max: number; readonly help?: readonly string[] };
  /** Sub-commands (`box up|status|down`); the first positional selects one. @default - none */
  readonly subcommands?: Readonly<Record<string, CommandSpec>>;
  /** What each exit code means for this command (defaults come from cli/exit-codes.ts). */
  readonly exitCodes?: Partial<Record<ExitCode, string>>;
  /** Environment variables it reads: [name, help]. */
  readonly env?: ReadonlyArray<readonly [string, string]>;
  readonly examples?: readonly string[];
  run?(ctx: CommandContext): Promise<number> | number;
}

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<{ command: CommandSpec }> | { command: CommandSpec };
}

const HELP_OPTION: OptionSpec = { type: "boolean", short: "h", help: "show this help and exit" };

function optionUsage(name: string, o: OptionSpec): string {
  const flag = `--${name}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`;
  return o.short ? `-${o.short}, ${flag}` : `    ${flag}`;
}

function allOptions(spec: CommandSpec): Record<string, OptionSpec> {
  return { ...spec.options, help: HELP_OPTION };
}

/** The complete usage text of a command (sub-command path in `path`). */
export function commandHelp(spec: CommandSpec, path: readonly string[] = [spec.name]): string {
  const opts = allOptions(spec);
  const synopsis = Object.entries(spec.options)
    .map(([n, o]) => `[--${n}${o.type === "string" ? ` ${o.choices ? o.choices.join("|") : o.value ?? "VALUE"}` : ""}]${o.multiple ? "..." : ""}`)
    .join(" ");
  const subs = spec.subcommands ? Object.keys(spec.subcommands).join("|") : "";
  const lines = [`usage: ${PROGRAM} ${path.join(" ")}${subs ? ` <${subs}>` : ""}${synopsis ? ` ${synopsis}` : ""}${spec.positionals ? ` ${spec.positionals.usage}` : ""}`, ""];
  lines.push(...spec.description.split("\n").map((l) => `  ${l}`.trimEnd()), "");
  if (spec.subcommands) {
    lines.push("commands:");
    const w = Math.max(...Object.keys(spec.subcommands).map((k) => k.length));
    for (const [k, s] of Object.entries(spec.subcommands)) lines.push(`  ${k.padEnd(w)}  ${s.summary}`);
    lines.push(`  (${PROGRAM} ${path.join(" ")} <command> --help for each)`, "");
  }
  if (spec.positionals?.help) lines.push("arguments:", ...spec.positionals.help.map((l) => `  ${l}`), "");
  lines.push("options:");
  const rows = Object.entries(opts).map(([n, o]) => [optionUsage(n, o), `${o.help}${o.choices ? ` (one of: ${o.choices.join(", ")})` : ""}${o.multiple ? " (repeatable)" : ""}`] as const);
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [u, h] of rows) lines.push(`  ${u.padEnd(w)}  ${h}`);
  if (spec.env?.length) {
    lines.push("", "environment:");
    const ew = Math.max(...spec.env.map((e) => e[0].length));
    for (const [n, h] of spec.env) lines.push(`  ${n.padEnd(ew)}  ${h}`);
  }
  lines.push("", "exit codes:");
  for (const [code, h] of EXIT_HELP) lines.push(`  ${code}  ${spec.exitCodes?.[code] ?? h}`);
  if (spec.examples?.length) lines.push("", "examples:", ...spec.examples.map((e) => `  ${e}`));
  return lines.join("\n");
}

export { didYouMean } from "../lib/did-you-mean";

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** Parses `argv` for `spec` and runs it (or prints its help). Throws UsageError on a bad command line. */
export async function runCommand(spec: CommandSpec, argv: readonly string[], io: Io, path: readonly string[] = [spec.name]): Promise<number> {
  const where = `${PROGRAM} ${path.join(" ")}`;
  const helpHint = `see ${where} --help`;
  if (spec.subcommands) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === "--help" || sub === "-h") {
      if (sub === undefined) throw new UsageError(`a command is required; allowed: ${Object.keys(spec.subcommands).join(", ")}. Fix: ${where} <command> (${helpHint})`);
      io.out(commandHelp(spec, path));
      return EXIT.ok;
    }
    // an option before the command: --json is carried to the command, anything else is refused as an option
    if (sub.startsWith("-")) {
      if (sub === "--json" && rest.length && !rest[0].startsWith("-")) return runCommand(spec, [...rest, "--json"], io, path);
      const bad = argv.find((a) => a.startsWith("-") && a !== "--json") ?? sub;
      throw new UsageError(`unknown option '${bad}'; allowed: --help (options go after the command: ${Object.keys(spec.subcommands).join(", ")}). Fix: ${helpHint}`);
    }
    const child = spec.subcommands[sub];
    if (!child) {
      const dym = didYouMean(sub, Object.keys(spec.subcommands));
      throw new UsageError(`unknown command '${sub}'; allowed: ${Object.keys(spec.subcommands).join(", ")}. Fix: ${dym ? `did you mean '${dym}'? ` : ""}${helpHint}`);
    }
    return runCommand(child, rest, io, [...path, sub]);
  }
  const opts = allOptions(spec);
  const allowed = Object.entries(opts).map(([n, o]) => `--${n}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`).join(", ");
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.entries(opts).map(([n, o]) => [n, { type: o.type, multiple: o.multiple === true, ...(o.short ? { short: o.short } : {}) }])),
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (e) {
    if (!String((e as NodeJS.ErrnoException).code ?? "").startsWith("ERR_PARSE_ARGS")) throw e;
    throw new UsageError(parseArgsMessage(e as NodeJS.ErrnoException, Object.keys(opts), allowed, helpHint));
  }
  const values = parsed.values as Record<string, string | boolean | Array<string | boolean> | undefined>;
  if (values.help) {
    io.out(commandHelp(spec, path));
    return EXIT.ok;
  }
  const counts = new Map<string, number>();
  for (const t of parsed.tokens ?? []) if (t.kind === "option") counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  for (const [name, o] of Object.entries(opts)) {
    if (!o.multiple && (counts.get(name) ?? 0) > 1) throw new UsageError(`--${name} given ${counts.get(name)} times; allowed: once. Fix: keep one (${helpHint})`);
    if (o.choices && o.type === "string") {
      const vs = ([] as unknown[]).concat(values[name] ?? []);
      for (const v of vs) if (!o.choices.includes(String(v))) throw new UsageError(`--${name} ${JSON.stringify(v)}: not allowed; allowed: ${o.choices.join(", ")} (${helpHint})`);
    }
  }
  const pos = parsed.positionals;
  const p = spec.positionals;
  if (!p && pos.length) throw new UsageError(`unexpected argument '${pos[0]}'; ${spec.name} takes options only (${allowed}; ${helpHint})`);
  if (p && pos.length > p.max) throw new UsageError(`too many arguments (${pos.map((x) => `'${x}'`).join(" ")}); allowed: ${p.usage} (${helpHint})`);
  if (p && pos.length < (p.min ?? 0)) throw new UsageError(`missing argument; usage: ${where} ${p.usage} (${helpHint})`);
  if (!spec.run) throw new UsageError(`${where} has nothing to run (${helpHint})`);
  const ctx: CommandContext = {
    values,
    positionals: pos,
    json: values.json === true,
    out: io.out,
    progress: (l) => io.err(`… ${l}`),
    str: (n) => {
      const v = values[n];
      return Array.isArray(v) ? (v.length ? String(v[v.length - 1]) : undefined) : typeof v === "string" ? v : undefined;
    },
    strs: (n) => ([] as unknown[]).concat(values[n] ?? []).map(String),
    flag: (n) => values[n] === true,
  };
  return spec.run(ctx);
}

function parseArgsMessage(e: NodeJS.ErrnoException, names: readonly string[], allowed: string, helpHint: string): string {
  const m = e.message ?? "";
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const seen = /'([^']+)'/.exec(m)?.[1] ?? "?";
      const dym = didYouMean(seen.replace(/^-+/, "").split("=")[0], names);
      return `unknown option '${seen}'; allowed: ${allowed}. Fix: ${dym ? `did you mean --${dym}? ` : ""}${helpHint}`;
    }
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const opt = (/Option '([^']+)'/.exec(m)?.[1] ?? "the option").replace(/ <value>$/, "");
      return /does not take an argument/.test(m)
        ? `${opt.split(", ").pop()} takes no value; allowed: ${allowed} (${helpHint})`
        : `${opt.split(", ").pop()} needs a value; allowed: ${allowed} (${helpHint})`;
    }
    default:
      return `${oneLine(m)} (${helpHint})`;
  }
}
