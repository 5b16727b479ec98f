/**
 * A Terraform working directory holding only the stack's goauthentik part (resources and data sources
 * of the synthesized stack), pointed at a loopback authentik API with the real goauthentik provider from
 * the offline mirror (scripts/build-providers.sh). Used by the provider test and the plan-to-zero proof.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn } from "child_process";

export const GOAUTHENTIK_VERSION = "2026.2.1";

function cacheDir(): string {
  return process.env.AUTHENTIK_STACK_CACHE ?? path.join(os.homedir(), ".cache", "authentik-stack");
}

/**
 * The real goauthentik build in the mirror (built from the release archive), or a reason it is missing.
 * `standin` is true while the mirror still holds the schema stand-in labelled "2026.2.1-standin" (before
 * the real build landed in scripts/build-providers.sh): tests that need the real provider are then
 * reported as skipped, never as passed; any other absence fails them.
 */
export function realGoauthentik(): { ok: true; terraformrc: string } | { ok: false; why: string; standin: boolean } {
  const file = path.join(cacheDir(), "providers.json");
  if (!fs.existsSync(file)) return { ok: false, why: `${file} missing: run scripts/build-providers.sh`, standin: false };
  const list: any[] = JSON.parse(fs.readFileSync(file, "utf8")).providers ?? [];
  const p = list.find((x) => x.namespace === "goauthentik" && x.type === "authentik");
  if (!p || p.version !== GOAUTHENTIK_VERSION || p.kind === "standin") return { ok: false, why: `the mirror's goauthentik provider is ${p ? p.version : "absent"}, not the real ${GOAUTHENTIK_VERSION} build from its release archive`, standin: p?.kind === "standin" };
  return { ok: true, terraformrc: path.join(cacheDir(), "terraformrc") };
}

/**
 * The goauthentik resources and data sources of a synthesized stack, without CDKTF metadata. With
 * `only` (resource addresses), just those resources and the data sources they refer to.
 */
export function goauthentikPart(stack: any, only?: ReadonlySet<string>): { resource: Record<string, any>; data: Record<string, any> } {
  const strip = (blocks: Record<string, any>, keep: (addr: string) => boolean) =>
    Object.fromEntries(
      Object.entries(blocks ?? {})
        .filter(([t]) => t.startsWith("authentik_"))
        .map(([t, byName]) => [t, Object.fromEntries(Object.entries<any>(byName).filter(([n]) => keep(`${t}.${n}`)).map(([n, b]) => [n, Object.fromEntries(Object.entries(b).filter(([k]) => k !== "//"))]))])
        .filter(([, byName]) => Object.keys(byName).length > 0),
    );
  const resource = strip(stack.resource, (a) => !only || only.has(a));
  const text = JSON.stringify(resource);
  const data = strip(stack.data, (a) => !only || text.includes(`data.${a}.`));
  return { resource, data };
}

export interface TfRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export class GoauthentikWorkdir {
  readonly env: NodeJS.ProcessEnv;
  constructor(readonly dir: string, terraformrc: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.env = { PATH: process.env.PATH, HOME: dir, TF_CLI_CONFIG_FILE: terraformrc, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
  }

  /** Writes main.tf.json: the provider pointed at `url` with `token` (a variable, sensitive) and `part`. */
  write(url: string, part: { resource?: Record<string, any>; data?: Record<string, any>; import?: unknown[] }): void {
    const doc: any = {
      terraform: { required_providers: { authentik: { source: "goauthentik/authentik", version: GOAUTHENTIK_VERSION } } },
      variable: { authentik_token: { type: "string", sensitive: true } },
      provider: { authentik: [{ url, token: "${var.authentik_token}" }] },
    };
    if (part.resource && Object.keys(part.resource).length) doc.resource = part.resource;
    if (part.data && Object.keys(part.data).length) doc.data = part.data;
    if (part.import?.length) doc.import = part.import;
    fs.writeFileSync(path.join(this.dir, "main.tf.json"), JSON.stringify(doc, null, 1));
  }

  /**
   * Runs terraform asynchronously: the loopback API usually lives in the same process, so a blocking
   * spawnSync would stop it from answering the provider (a deadlock).
   */
  tf(args: string[], token: string, timeoutMs = 240_000): Promise<TfRun> {
    return new Promise((resolve, reject) => {
      const child = spawn("terraform", [...args, "-no-color"], { cwd: this.dir, env: { ...this.env, TF_VAR_authentik_token: token }, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`terraform ${args[0]} did not finish in ${timeoutMs / 1000} s; output so far: ${stdout.slice(-2000)} ${stderr.slice(-2000)}`));
      }, timeoutMs);
      child.on("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on("close", (status) => {
        clearTimeout(timer);
        resolve({ status, stdout, stderr });
      });
    });
  }

  async init(token: string): Promise<void> {
    const r = await this.tf(["init", "-input=false"], token);
    if (r.status !== 0) throw new Error(`terraform init failed: ${r.stderr || r.stdout}`);
  }
}
