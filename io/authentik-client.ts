/**
 * The authentik REST API through authentik's own published client, `@goauthentik/api` 2026.2.0 (the
 * 2026.2 line the server runs; npm has no 2026.2.1/2026.2.2 build of it). That package's `main` build is
 * incomplete (dist/index.js and the apis/models index files are missing from the tarball), while the
 * build its `module` field names, dist/esm, is complete CommonJS with types: it is imported from there.
 *
 * Every call has an overall deadline (AbortSignal), and every failure becomes one line: an API refusal
 * of the input (400, naming the fields) is an InputError (exit 2); a refused token, a missing object
 * type, an unreachable server or a deadline is an EnvironmentError (exit 3). The token is never printed.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Configuration, CoreApi, FlowsApi, PoliciesApi, StagesApi, ResponseError, FetchError } from "@goauthentik/api/dist/esm/index";
import { EnvironmentError, InputError } from "../lib/errors";
import { HttpError, request } from "./http";

export { ResponseError };

export interface AuthentikClient {
  readonly url: string;
  readonly core: CoreApi;
  readonly flows: FlowsApi;
  readonly stages: StagesApi;
  readonly policies: PoliciesApi;
}

export interface ClientOptions {
  /** authentik's base URL (https://authentik.example.org). */
  readonly url: string;
  /** API token (Bearer). */
  readonly token: string;
  /** Deadline per call. @default 30000 */
  readonly timeoutMs?: number;
}

export function authentikClient(o: ClientOptions): AuthentikClient {
  const timeoutMs = o.timeoutMs ?? 30_000;
  const base = o.url.replace(/\/+$/, "");
  const config = new Configuration({
    basePath: `${base}/api/v3`,
    accessToken: async () => o.token,
    fetchApi: (input: any, init?: any) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
  });
  return { url: base, core: new CoreApi(config), flows: new FlowsApi(config), stages: new StagesApi(config), policies: new PoliciesApi(config) };
}

/** Runs one API call and turns any failure into a one-line InputError/EnvironmentError naming `what`. */
export async function call<T>(url: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ResponseError) {
      const status = e.response.status;
      let body = "";
      try {
        body = await e.response.text();
      } catch {
        /* body unreadable: the status says enough */
      }
      if (status === 400) {
        let fields = body;
        try {
          fields = Object.entries(JSON.parse(body)).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(" ") : JSON.stringify(v)}`).join("; ");
        } catch {
          /* not JSON: show it as text */
        }
        throw new InputError(`${what}: authentik refused the request (400: ${fields.slice(0, 300)}). Fix: correct the value named above`);
      }
      if (status === 401 || status === 403) throw new EnvironmentError(`${what}: authentik at ${url} refused the token (${status}). Fix: set AUTHENTIK_TOKEN to a valid API token, or log in to Vault`);
      if (status === 404) throw new EnvironmentError(`${what}: not found at ${url} (404). Fix: check AUTHENTIK_URL points at authentik 2026.2`);
      throw new EnvironmentError(`${what}: authentik at ${url} answered ${status}. Fix: check the server's health and retry`);
    }
    const cause = e instanceof FetchError ? (e.cause as Error | undefined) : (e as Error);
    const timedOut = cause?.name === "TimeoutError" || cause?.name === "AbortError";
    throw new EnvironmentError(`${what}: ${timedOut ? "no answer from" : "cannot reach"} authentik at ${url}${timedOut ? " before the deadline" : ` (${(cause?.message ?? String(e)).split("\n")[0]})`}. Fix: check AUTHENTIK_URL and that the server is up`);
  }
}

export interface TokenSource {
  readonly env: NodeJS.ProcessEnv;
  /** Vault KV v2: server, mount, path; the key is `tf_api_token` (the token Terraform uses). */
  readonly vault: { readonly address: string; readonly mount: string; readonly path: string };
  readonly home?: string;
}

/** Where a Vault address points, for messages: scheme, host and port only (never credentials in a URL). */
function shownAddress(addr: string): string {
  try {
    return new URL(addr).origin;
  } catch {
    return "VAULT_ADDR (not a URL)";
  }
}

/**
 * The API token: AUTHENTIK_TOKEN, else Vault KV v2 (VAULT_ADDR or the config's address, VAULT_TOKEN or
 * ~/.vault-token; the secret at <mount>/<path>, key tf_api_token). Every way it can fail is one line naming
 * what to set (EnvironmentError: exit 3); neither token ever appears in a message.
 */
export async function resolveToken(s: TokenSource): Promise<string> {
  const direct = s.env.AUTHENTIK_TOKEN?.trim();
  if (direct) return direct;
  const home = s.home ?? os.homedir();
  const tokenFile = path.join(home, ".vault-token");
  const vaultToken = s.env.VAULT_TOKEN?.trim() || (fs.existsSync(tokenFile) ? fs.readFileSync(tokenFile, "utf8").trim() : "");
  if (!vaultToken) throw new EnvironmentError("no authentik API token: AUTHENTIK_TOKEN is not set and there is no Vault login (VAULT_TOKEN or ~/.vault-token). Fix: export AUTHENTIK_TOKEN=... or run `vault login`");
  const addr = (s.env.VAULT_ADDR?.trim() || s.vault.address).replace(/\/+$/, "");
  const secret = `${s.vault.mount}/${s.vault.path}`;
  const where = `Vault at ${shownAddress(addr)}`;
  let res;
  try {
    res = await request(`${addr}/v1/${s.vault.mount}/data/${s.vault.path}`, { timeoutMs: 15_000, headers: { "X-Vault-Token": vaultToken } });
  } catch (e) {
    // a bad-url message repeats the URL as given (it may carry credentials): say what is wrong instead
    const why = !(e instanceof HttpError) ? (e as Error).message : e.reason === "bad-url" ? "VAULT_ADDR is not an http(s) URL" : e.message.replace(/^GET \S+: /, "");
    throw new EnvironmentError(`cannot read the authentik token from ${where} (${why.split("\n")[0]}). Fix: set VAULT_ADDR to a reachable Vault, or export AUTHENTIK_TOKEN`);
  }
  if (res.status === 403 || res.status === 401) {
    throw new EnvironmentError(`${where} refused the Vault token reading ${secret} (${res.status}: expired, or not allowed to read it). Fix: run \`vault login\` (or set VAULT_TOKEN) with a token whose policy reads ${s.vault.mount}/data/${s.vault.path}, or export AUTHENTIK_TOKEN`);
  }
  if (res.status === 404) {
    throw new EnvironmentError(`${where} has no secret ${secret} (404). Fix: store the authentik API token there as tf_api_token (vault kv put ${s.vault.mount}/${s.vault.path} tf_api_token=...), point the config's vault.mount/vault.authentikPath at it, or export AUTHENTIK_TOKEN`);
  }
  if (res.status !== 200) throw new EnvironmentError(`${where} answered ${res.status} reading ${secret}. Fix: check Vault's health (vault status) and retry, or export AUTHENTIK_TOKEN`);
  let token: unknown;
  try {
    token = JSON.parse(res.body)?.data?.data?.tf_api_token;
  } catch {
    token = undefined;
  }
  if (typeof token !== "string" || !token.trim()) throw new EnvironmentError(`${where}: the secret ${secret} holds no tf_api_token. Fix: store the authentik API token there as tf_api_token, or export AUTHENTIK_TOKEN`);
  return token.trim();
}
