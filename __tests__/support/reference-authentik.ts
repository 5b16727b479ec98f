/**
 * The reference's goauthentik objects, held by the loopback authentik API and read by the real
 * goauthentik provider: scripts/reference-state.py authentik-seed turns live-stack.yaml into the objects
 * authentik holds (API field names, the live ids) and the import ids; the API is seeded with them; the
 * real provider imports each reference resource from the API (`terraform import`) into a state. So the
 * reference state of these resources, and the flow lookups' answers, come from the provider reading the
 * API, not from a hand-written state. The plan-to-zero proof plans the stack against that state.
 */
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { startAuthentikApi, AuthentikApiServer } from "../../authentik-api/server";
import { GoauthentikWorkdir, realGoauthentik } from "./goauthentik-workdir";
import { ROOT } from "./synth";

export const REFERENCE = path.join(ROOT, "__tests__", "fixtures", "reference", "live-stack.yaml");

export interface ReferenceAuthentik {
  readonly api: AuthentikApiServer;
  readonly token: string;
  /** [{to, id}] from the reference */
  readonly imports: Array<{ to: string; id: string }>;
  /** terraform.tfstate written by the real provider's imports (goauthentik resources only) */
  readonly stateFile: string;
  /** the state's managed resources (not the data sources), for merging into a larger reference state */
  readonly resources: any[];
}

/**
 * Seeds a loopback authentik API from the reference and imports its goauthentik resources with the real
 * provider. `dir` is a scratch folder; `token` the API token (the stack reads its token from Vault, so
 * pass the test Vault's value when the stack itself will plan against this API).
 */
export async function importReferenceAuthentik(dir: string, token: string, mutateSeed?: (seed: any) => void): Promise<ReferenceAuthentik> {
  const provider = realGoauthentik();
  if (!provider.ok) throw new Error(provider.why);
  fs.mkdirSync(dir, { recursive: true });
  const script = path.join(ROOT, "scripts", "reference-state.py");
  execFileSync("python3", [script, "authentik-seed", REFERENCE, dir]);
  execFileSync("python3", [script, "config", REFERENCE, path.join(ROOT, "values", "authentik.yaml"), dir]);
  const seed = JSON.parse(fs.readFileSync(path.join(dir, "authentik-seed.json"), "utf8"));
  mutateSeed?.(seed);
  const imports: Array<{ to: string; id: string }> = JSON.parse(fs.readFileSync(path.join(dir, "authentik-imports.json"), "utf8"));
  const api = await startAuthentikApi({ tokens: [token], seed });
  // the reference configuration's goauthentik part (reference.tf.json: the reference alone, no CDKTF code)
  const ref = JSON.parse(fs.readFileSync(path.join(dir, "reference.tf.json"), "utf8"));
  const pick = (blocks: Record<string, any>) => Object.fromEntries(Object.entries(blocks ?? {}).filter(([t]) => t.startsWith("authentik_")));
  const wd = new GoauthentikWorkdir(path.join(dir, "import"), provider.terraformrc);
  wd.write(api.url, { resource: pick(ref.resource), data: pick(ref.data) });
  try {
    await wd.init(token);
    for (const i of imports) {
      const r = await wd.tf(["import", "-input=false", i.to, i.id], token);
      if (r.status !== 0) throw new Error(`terraform import ${i.to} ${i.id} failed: ${r.stderr || r.stdout}`);
    }
  } catch (e) {
    await api.close();
    throw e;
  }
  const stateFile = path.join(wd.dir, "terraform.tfstate");
  const resources = JSON.parse(fs.readFileSync(stateFile, "utf8")).resources.filter((r: any) => r.mode === "managed");
  return { api, token, imports, stateFile, resources };
}
