/** Shared CLI plumbing: argument reading, exit codes, progress. */

/** Exit codes, as documented in `--help` and the README. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

export class UsageError extends Error {}

export interface ParsedArgs {
  readonly flags: Map<string, string[]>;
  readonly positional: string[];
}

/** Parses `--flag value`, `--flag=value` and boolean `--flag` (for names in `booleans`). */
export function parseArgs(argv: readonly string[], booleans: readonly string[], valued: readonly string[]): ParsedArgs {
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s);
    if (booleans.includes(name)) {
      flags.set(name, ["true"]);
    } else if (valued.includes(name)) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, [...(flags.get(name) ?? []), v]);
    } else {
      throw new UsageError(`unknown option --${name}; allowed: ${[...booleans, ...valued].map((x) => `--${x}`).join(", ")}`);
    }
  }
  return { flags, positional };
}

/** A progress line on stderr (never on stdout, which stays machine-readable with --json). */
export function progress(msg: string): void {
  process.stderr.write(`… ${msg}\n`);
}
