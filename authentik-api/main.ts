/**
 * `node dist/authentik-api/main.js --port 0 --token-file F [--state F] [--seed F] [--namespace NS]`
 *
 * Starts the loopback authentik API and prints its URL (first stdout line; with --json one JSON line
 * {"url", "pid", "tokenFile", "stateFile"}). Runs until SIGTERM/SIGINT. Exit codes: 0 stopped by a
 * signal, 2 usage or unusable input (bad flag, unreadable token/seed/state file), 3 could not start
 * (port in use).
 */
import * as fs from "fs";
import { randomBytes } from "crypto";
import { parseArgs } from "util";
import * as YAML from "yaml";
import { startAuthentikApi } from "./server";
import { loadSpec } from "./spec";
import { guardStdio, write } from "../io/stdio";

const HELP = `usage: authentik-api --token-file FILE [--port N] [--state FILE] [--seed FILE] [--namespace NS] [--json]

A loopback stand-in of the authentik 2026.2 REST API (held to authentik's OpenAPI description),
on 127.0.0.1 only. Prints its URL (the goauthentik provider's "url"); the API is under /api/v3/.

  --token-file FILE  the API token clients send as "Authorization: Bearer <token>"; if FILE does not
                     exist a random token is written to it (mode 0600). The token is never printed.
  --port N           port to listen on (default 0: any free port)
  --state FILE       keep objects in FILE (JSON, written after every change, read at start)
  --seed FILE        load objects before serving: {"objects": {"/flows/instances/": [{...}], ...}}
                     (JSON or YAML; skipped when --state FILE already exists)
  --namespace NS     namespace reported in outpost default settings (default "default")
  --json             print {"url", "pid", ...} as one JSON line instead of the bare URL
  --help, --version

Changes: GET /_stand-in/changes?since=SEQ[&collection=/outposts/instances/][&wait=S] (same token).
Exit codes: 0 stopped by SIGTERM/SIGINT, 2 usage or unusable input, 3 could not start.`;

function fail(code: number, msg: string): never {
  write("stderr", `authentik-api: ${msg}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  // a reader that closes the pipe (`authentik-api --help | head -1`, a log reader gone) is not a crash
  guardStdio();
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: "string", default: "0" },
        "token-file": { type: "string" },
        state: { type: "string" },
        seed: { type: "string" },
        namespace: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
        version: { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    fail(2, `${(e as Error).message}; see --help`);
  }
  if (args.help) return void write("stdout", HELP + "\n");
  if (args.version) return void write("stdout", `authentik-api stand-in for authentik ${loadSpec().info.version}\n`);
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(2, `--port: "${args.port}" is not a port; allowed: 0-65535 (0 = any free port)`);
  const tokenFile = args["token-file"];
  if (!tokenFile) fail(2, "--token-file is required (a file holding the API token, created with a random token if missing)");
  if (!fs.existsSync(tokenFile)) fs.writeFileSync(tokenFile, randomBytes(32).toString("hex") + "\n", { mode: 0o600 });
  const token = fs.readFileSync(tokenFile, "utf8").trim();
  if (!token || /\s/.test(token)) fail(2, `--token-file ${tokenFile}: expected one token without whitespace`);
  let seed: unknown;
  if (args.seed && !(args.state && fs.existsSync(args.state))) {
    try {
      seed = YAML.parse(fs.readFileSync(args.seed, "utf8"));
    } catch (e) {
      fail(2, `--seed ${args.seed}: ${(e as Error).message}`);
    }
  }
  let server;
  try {
    server = await startAuthentikApi({ port, tokens: [token], stateFile: args.state, seed, namespace: args.namespace });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "EADDRINUSE" || err.code === "EACCES") fail(3, `cannot listen on 127.0.0.1:${port}: ${err.code}`);
    fail(2, err.message);
  }
  write("stdout", args.json ? JSON.stringify({ url: server.url, pid: process.pid, tokenFile, stateFile: args.state ?? null }) + "\n" : server.url + "\n");
  const stop = () => void server.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

void main();
