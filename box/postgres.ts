/**
 * PostgreSQL from Debian for the box: one cluster on 127.0.0.1 (no Unix socket), two databases:
 * `terraform` (the stack's real `pg` state backend, PG_CONN_STR) and `authentik` (what the simulated
 * authentik server and outpost use: the proxy-session table verify-upgrade's step 5 reads).
 * initdb refuses to run as root: when the box runs as root, the cluster belongs to the `postgres`
 * user (Debian's package creates it) and its processes run as that user.
 */
import * as fs from "fs";
import * as path from "path";
import * as crypto from "crypto";
import { execFile, execFileSync } from "child_process";
import { ProcRecord, listening, startProc, waitFor } from "./procs";

export interface PgAccess {
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

export const PG_USER = "box";

/** The shape of authentik's proxy-session table (authentik/providers/proxy/models.py, ProxySession). */
export const PROXY_SESSION_DDL = `CREATE TABLE IF NOT EXISTS authentik_providers_proxy_proxysession (
  uuid uuid PRIMARY KEY,
  session_key text NOT NULL UNIQUE,
  user_id integer NULL,
  session_data bytea NOT NULL,
  expires timestamptz NULL,
  expiring boolean NOT NULL DEFAULT true
)`;

export function connString(a: PgAccess, db: string): string {
  return `postgres://${a.user}:${encodeURIComponent(a.password)}@127.0.0.1:${a.port}/${db}?sslmode=disable`;
}

function owner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = fs.readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("postgres:"));
  if (!line) throw new Error("running as root and no 'postgres' user exists to own the PostgreSQL cluster (apt-get install postgresql creates it)");
  const f = line.split(":");
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

function chownTree(p: string, uid: number, gid: number): void {
  fs.chownSync(p, uid, gid);
  if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) chownTree(path.join(p, e), uid, gid);
}

/** psql as the box user over TCP; returns stdout. The password goes through PGPASSWORD, never argv. */
export function psql(bin: string, a: PgAccess, db: string, sql: string): string {
  return execFileSync(path.join(bin, "psql"), ["-h", "127.0.0.1", "-p", String(a.port), "-U", a.user, "-d", db, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql], {
    env: { ...process.env, PGPASSWORD: a.password, PGCONNECT_TIMEOUT: "5" },
    stdio: ["ignore", "pipe", "pipe"],
  }).toString();
}

export async function startPostgres(o: { dir: string; bin: string; port: number; started: (p: ProcRecord) => void; say: (s: string) => void }): Promise<PgAccess> {
  const data = path.join(o.dir, "pg");
  const pwFile = path.join(o.dir, "pg-password");
  const who = owner();
  let password: string;
  const fresh = !fs.existsSync(path.join(data, "PG_VERSION"));
  if (fresh) {
    password = crypto.randomBytes(18).toString("base64url");
    fs.writeFileSync(pwFile, password, { mode: 0o600 });
    fs.mkdirSync(data, { recursive: true, mode: 0o700 });
    const initPw = path.join(o.dir, "pg-initpw");
    fs.writeFileSync(initPw, password, { mode: 0o600 });
    if (who) {
      fs.chmodSync(o.dir, 0o711);
      chownTree(data, who.uid, who.gid);
      fs.chownSync(initPw, who.uid, who.gid);
    }
    try {
      execFileSync(path.join(o.bin, "initdb"), ["-D", data, "-U", PG_USER, "--auth=scram-sha-256", `--pwfile=${initPw}`, "-E", "UTF8", "--locale=C"], {
        stdio: ["ignore", "pipe", "pipe"],
        cwd: o.dir,
        ...(who ?? {}),
      });
    } finally {
      fs.rmSync(initPw, { force: true });
    }
  } else {
    password = fs.readFileSync(pwFile, "utf8");
  }
  const proc = startProc({
    name: "postgres",
    cmd: path.join(o.bin, "postgres"),
    args: ["-D", data, "-c", "listen_addresses=127.0.0.1", "-c", `port=${o.port}`, "-c", "unix_socket_directories=", "-c", "shared_buffers=32MB", "-c", "max_connections=40", "-c", "fsync=off", "-c", "logging_collector=off"],
    log: path.join(o.dir, "logs", "postgres.log"),
    ports: [o.port],
    cwd: data,
    ...(who ?? {}),
  });
  if (who) fs.chownSync(proc.log, who.uid, who.gid);
  o.started(proc);
  const a: PgAccess = { port: o.port, user: PG_USER, password };
  await waitFor("postgres", () => listening(o.port), 30000, proc);
  await waitFor("postgres accepts logins", async () => (psql(o.bin, a, "postgres", "SELECT 1").trim() === "1"), 30000, proc);
  if (fresh) {
    psql(o.bin, a, "postgres", "CREATE DATABASE terraform");
    psql(o.bin, a, "postgres", "CREATE DATABASE authentik");
    psql(o.bin, a, "authentik", PROXY_SESSION_DDL);
  }
  o.say(`postgres: ready on 127.0.0.1:${o.port}`);
  return a;
}

/** psql without blocking the caller's event loop (the box daemon), with a deadline. */
export function psqlAsync(bin: string, a: PgAccess, db: string, sql: string, timeoutMs = 15000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      path.join(bin, "psql"),
      ["-h", "127.0.0.1", "-p", String(a.port), "-U", a.user, "-d", db, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
      { env: { ...process.env, PGPASSWORD: a.password, PGCONNECT_TIMEOUT: "5" }, timeout: timeoutMs, killSignal: "SIGKILL" },
      (err, stdout, stderr) => (err ? reject(new Error(`psql: ${(stderr || err.message).trim().split("\n")[0]}`)) : resolve(stdout)),
    );
  });
}
