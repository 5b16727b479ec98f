/**
 * `authentik-stack invite` without AUTHENTIK_TOKEN: the API token comes from Vault KV v2
 * (io/authentik-client.ts resolveToken), here the box's KV v2 stand-in (box/vault-kv.ts) served in-process
 * on 127.0.0.1, with the loopback authentik API (authentik-api/, held to authentik's OpenAPI description)
 * accepting only the token stored in Vault. The built CLI runs in a child process, as an operator runs it.
 */
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { AddressInfo } from "net";
import { startAuthentikApi, AuthentikApiServer } from "../../authentik-api/server";
import { KvSecrets, vaultKv } from "../../box/vault-kv";
import { ROOT } from "../support/synth";
import { identitySeed } from "../support/identity-world";
import { CliRun, runCliProcess } from "../support/cli-process";

jest.setTimeout(120_000);

// recognisable, so a leak anywhere in the output is found
const API_TOKEN = "ak-api-token-from-vault-5d1c9e";
const VAULT_TOKEN = "hvs.vault-login-token-7a2f40";
const SECRETS = () => ({ authentik: { tf_api_token: API_TOKEN }, platform: { db_password: "not-this-one" } });

let api: AuthentikApiServer;
let vault: { url: string; secrets: KvSecrets; reads: Array<{ path: string; token: string | undefined }>; close(): Promise<void> };

/** The KV v2 stand-in on 127.0.0.1, recording each read (path, token sent). */
async function startVault(mount: string, secrets: KvSecrets): Promise<typeof vault> {
  const kv = vaultKv({ mount, token: VAULT_TOKEN, secrets });
  const reads: Array<{ path: string; token: string | undefined }> = [];
  const server = http.createServer((req, res) => {
    reads.push({ path: req.url ?? "", token: req.headers["x-vault-token"] as string | undefined });
    kv.handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, secrets: kv.secrets, reads, close: () => new Promise((r) => server.close(() => r())) };
}

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, "dist", "cli", "invite.js"))) throw new Error("dist/ is not built: run `npm run build` first");
});
beforeEach(async () => {
  api = await startAuthentikApi({ tokens: [API_TOKEN], seed: identitySeed() });
  vault = await startVault("secret", SECRETS());
});
afterEach(async () => {
  await api.close();
  await vault.close();
});

type Run = CliRun;

/** The CLI with no AUTHENTIK_TOKEN, Vault at the stand-in; `env` adds or removes (undefined) variables. */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const base: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: fs.mkdtempSync(path.join(os.tmpdir(), "ak-home-")), AUTHENTIK_URL: api.url, VAULT_ADDR: vault.url, VAULT_TOKEN };
  const merged = { ...base, ...env };
  return runCliProcess(args, Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)));
}

/** Neither token appears anywhere in what the CLI printed. */
function expectNoToken(r: Run): void {
  for (const secret of [API_TOKEN, VAULT_TOKEN]) {
    expect(r.out).not.toContain(secret);
    expect(r.err).not.toContain(secret);
  }
}

describe("invite reads the authentik token from Vault", () => {
  it("VAULT_TOKEN: the token stored at secret/authentik is the one authentik gets; neither token is printed", async () => {
    const r = await cli(["invite", "create", "Headscale Users", "--json"]);
    expectNoToken(r);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: "" });
    expect(JSON.parse(r.out)).toMatchObject({ group: "Headscale Users", use: "single-use" });
    // one read, of the KV v2 data path the config names, with the Vault login's token
    expect(vault.reads).toEqual([{ path: "/v1/secret/data/authentik", token: VAULT_TOKEN }]);
    // authentik accepted it: the invitation exists there
    const l = await cli(["invite", "list"]);
    expectNoToken(l);
    expect(l.code).toBe(0);
    expect(l.out).toContain("Headscale Users");
  });

  it("the token authentik gets is Vault's: another one stored there is refused by authentik (exit 3)", async () => {
    vault.secrets.authentik = { tf_api_token: "a-token-authentik-does-not-know" };
    const r = await cli(["invite", "list"]);
    expectNoToken(r);
    expect(r.out).not.toContain("a-token-authentik-does-not-know");
    expect(r.err).not.toContain("a-token-authentik-does-not-know");
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/refused the token \(40[13]\)/);
  });

  it("~/.vault-token (after `vault login`) when VAULT_TOKEN is unset", async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "ak-home-"));
    fs.writeFileSync(path.join(home, ".vault-token"), VAULT_TOKEN + "\n", { mode: 0o600 });
    const r = await cli(["invite", "list", "--json"], { HOME: home, VAULT_TOKEN: undefined });
    expectNoToken(r);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ invitations: [] });
    expect(vault.reads).toEqual([{ path: "/v1/secret/data/authentik", token: VAULT_TOKEN }]);
  });

  it("AUTHENTIK_TOKEN wins: Vault is not asked", async () => {
    const r = await cli(["invite", "list"], { AUTHENTIK_TOKEN: API_TOKEN });
    expectNoToken(r);
    expect(r.code).toBe(0);
    expect(vault.reads).toEqual([]);
  });

  it("the secret's place follows the config (vault.mount, vault.authentikPath from AUTHENTIK_STACK_CONFIG)", async () => {
    await vault.close();
    vault = await startVault("kv", { "apps/authentik": { tf_api_token: API_TOKEN } });
    const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ak-cfg-")), "cfg.json");
    fs.writeFileSync(cfg, JSON.stringify({ vault: { mount: "kv", authentikPath: "apps/authentik" } }));
    const r = await cli(["invite", "list"], { AUTHENTIK_STACK_CONFIG: cfg, VAULT_ADDR: vault.url });
    expectNoToken(r);
    expect(r.code).toBe(0);
    expect(vault.reads.map((x) => x.path)).toEqual(["/v1/kv/data/apps/authentik"]);
  });
});

describe("when Vault can't give the token: one line, exit 3, nothing created, no token printed", () => {
  const host = (): string => vault.url;
  it.each([
    [
      "no secret at secret/authentik (404)",
      (): unknown => delete vault.secrets.authentik,
      {},
      (): string => `authentik-stack invite: Vault at ${host()} has no secret secret/authentik (404). Fix: store the authentik API token there as tf_api_token (vault kv put secret/authentik tf_api_token=...), point the config's vault.mount/vault.authentikPath at it, or export AUTHENTIK_TOKEN`,
    ],
    [
      "a Vault token that may not read it (403)",
      (): unknown => undefined,
      { VAULT_TOKEN: "hvs.someone-elses-token-0000" },
      (): string => `authentik-stack invite: Vault at ${host()} refused the Vault token reading secret/authentik (403: expired, or not allowed to read it). Fix: run \`vault login\` (or set VAULT_TOKEN) with a token whose policy reads secret/data/authentik, or export AUTHENTIK_TOKEN`,
    ],
    [
      "a secret without tf_api_token",
      (): unknown => (vault.secrets.authentik = { api_token: API_TOKEN }),
      {},
      (): string => `authentik-stack invite: Vault at ${host()}: the secret secret/authentik holds no tf_api_token. Fix: store the authentik API token there as tf_api_token, or export AUTHENTIK_TOKEN`,
    ],
    [
      "no Vault listening",
      (): unknown => undefined,
      { VAULT_ADDR: "http://127.0.0.1:1" },
      (): string => "authentik-stack invite: cannot read the authentik token from Vault at http://127.0.0.1:1 (ECONNREFUSED). Fix: set VAULT_ADDR to a reachable Vault, or export AUTHENTIK_TOKEN",
    ],
  ] as const)("%s", async (_name, arrange, env, line) => {
    arrange();
    const r = await cli(["invite", "create", "Headscale Users"], env as Record<string, string>);
    expectNoToken(r);
    expect({ code: r.code, out: r.out, err: r.err }).toEqual({ code: 3, out: "", err: line() + "\n" });
    // --json: the same line as a JSON document on stdout
    const j = await cli(["invite", "create", "Headscale Users", "--json"], env as Record<string, string>);
    expectNoToken(j);
    expect(j.code).toBe(3);
    expect(JSON.parse(j.out)).toEqual({ result: "error", kind: "environment", exitCode: 3, message: line().replace(/^authentik-stack invite: /, "") });
    // nothing was created in authentik
    const l = await cli(["invite", "list", "--json"], { AUTHENTIK_TOKEN: API_TOKEN });
    expect(JSON.parse(l.out)).toEqual({ invitations: [] });
  });
});
