/**
 * `ak shell -c <python>` in the box's simulated authentik server pods (`kubectl exec` mapping through
 * KWOK): authentik's Django shell cannot run here, so this answers the one question verify-upgrade
 * asks (engine/verify.ts SESSION_QUERY): it takes the SQL out of the Python's `c.execute('...')`, refuses
 * anything but a read of authentik's proxy-session table, runs it on the box's real PostgreSQL
 * (database `authentik`) and prints what the Python would print:
 * `{"count": N, "max_expires": "<isoformat>" | null}`. Anything else exits 2 with one line saying so.
 * Usage (what the mapping runs): node ak-shell.js <box-dir> shell -c <python>
 */
import * as fs from "fs";
import * as path from "path";
import { psql } from "./postgres";

class AkError extends Error {}

function fail(msg: string): never {
  throw new AkError(msg);
}

/** Python's datetime.isoformat() for PostgreSQL's timestamptz text ("2026-12-28 01:02:03.5+00"). */
export function pythonIsoformat(pgText: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?([+-]\d{2})(?::?(\d{2}))?$/.exec(pgText.trim());
  if (!m) throw new Error(`unexpected timestamp '${pgText}'`);
  const frac = m[3] ? `.${m[3].padEnd(6, "0")}` : "";
  return `${m[1]}T${m[2]}${frac}${m[4]}:${m[5] ?? "00"}`;
}

export function extractSql(python: string): string {
  const m = /\.execute\((['"])(.*?)\1\)/.exec(python);
  if (!m) fail("only `ak shell -c` with one c.execute('<SQL>') is answered here");
  const sql = m[2];
  if (!/^\s*SELECT\s+COUNT\(\*\),\s*MAX\(expires\)\s+FROM\s+authentik_providers_proxy_proxysession\s*$/i.test(sql)) fail(`only the proxy-session query is answered here, not: ${sql.slice(0, 80)}`);
  return sql;
}

function main(argv: string[]): void {
  const [boxDir, cmd, flag, python] = argv;
  if (cmd !== "shell" || flag !== "-c" || typeof python !== "string") fail("only `ak shell -c <python>` is mapped in the box");
  const sql = extractSql(python);
  const access = JSON.parse(fs.readFileSync(path.join(boxDir, "pg-access.json"), "utf8"));
  const [count, max] = psql(access.bin, access, "authentik", sql).trim().split("|");
  process.stdout.write(JSON.stringify({ count: Number(count), max_expires: max ? pythonIsoformat(max) : null }).replace(/,"/g, ', "').replace(/":/g, '": ') + "\n");
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`ak (box stand-in): ${e instanceof AkError ? e.message : (e as Error).message.split("\n")[0]}\n`);
    process.exit(2);
  }
}
