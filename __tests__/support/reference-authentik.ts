/**
 * The reference's goauthentik objects, held by the loopback authentik API and read by the real
 * goauthentik provider: scripts/reference-state.py authentik-seed turns live-stack.yaml into the objects
 * authentik holds (API field names, the live ids) and the import ids; the API is seeded with them; the
 * real provider imports each reference resource from the API (`terraform import`) into a state. So the
 * reference state of these resources, and the flow lookups' answers, come from the provider reading the
 * API, not from a hand-written state. The plan-to-zero proofs plan the stack against that state.
 *
 * Two ways to use it: `importReferenceAuthentik(dir, token)` starts its own API; or, when an API already
 * runs (the offline world's), seed it with `referenceAuthentikSeed(dir)` and call `importReference(url,
 * token, dir)`, then put the returned managed resources in place of any derived goauthentik entries.
 */
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { startAuthentikApi, AuthentikApiServer } from "../../authentik-api/server";
import { GoauthentikWorkdir, realGoauthentik } from "./goauthentik-workdir";
import { ROOT } from "./synth";

export const REFERENCE = path.join(ROOT, "__tests__", "fixtures", "reference", "live-stack.yaml");
const SCRIPT = path.join(ROOT, "scripts", "reference-state.py");

export interface ImportedReference {
  /** [{to, id}] from the reference */
  readonly imports: Array<{ to: string; id: string }>;
  /** terraform.tfstate written by the real provider's imports (goauthentik resources and data sources) */
  readonly stateFile: string;
  /** the state's managed resources (not the data sources), for merging into a larger reference state */
  readonly resources: any[];
}

export interface ReferenceAuthentik extends ImportedReference {
  readonly api: AuthentikApiServer;
  readonly token: string;
}

/** The seed document (authentik-seed.json) the reference's goauthentik objects make; written into `dir`. */
export function referenceAuthentikSeed(dir: string): any {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync("python3", [SCRIPT, "authentik-seed", REFERENCE, dir]);
  return JSON.parse(fs.readFileSync(path.join(dir, "authentik-seed.json"), "utf8"));
}

/**
 * Imports the reference's goauthentik resources with the real provider from the API at `url` (which must
 * hold referenceAuthentikSeed(dir)'s objects). Terraform runs asynchronously, so an API in this process
 * keeps answering.
 */
export async function importReference(url: string, token: string, dir: string): Promise<ImportedReference> {
  const provider = realGoauthentik();
  if (!provider.ok) throw new Error(provider.why);
  if (!fs.existsSync(path.join(dir, "authentik-imports.json"))) referenceAuthentikSeed(dir);
  execFileSync("python3", [SCRIPT, "config", REFERENCE, path.join(ROOT, "values", "authentik.yaml"), dir]);
  const imports: Array<{ to: string; id: string }> = JSON.parse(fs.readFileSync(path.join(dir, "authentik-imports.json"), "utf8"));
  // the reference configuration's goauthentik part (reference.tf.json: the reference alone, no CDKTF code)
  const ref = JSON.parse(fs.readFileSync(path.join(dir, "reference.tf.json"), "utf8"));
  const pick = (blocks: Record<string, any>) => Object.fromEntries(Object.entries(blocks ?? {}).filter(([t]) => t.startsWith("authentik_")));
  const wd = new GoauthentikWorkdir(path.join(dir, "import"), provider.terraformrc);
  wd.write(url, { resource: pick(ref.resource), data: pick(ref.data) });
  await wd.init(token);
  for (const i of imports) {
    const r = await wd.tf(["import", "-input=false", i.to, i.id], token);
    if (r.status !== 0) throw new Error(`terraform import ${i.to} ${i.id} failed: ${r.stderr || r.stdout}`);
  }
  const stateFile = path.join(wd.dir, "terraform.tfstate");
  const resources = JSON.parse(fs.readFileSync(stateFile, "utf8")).resources.filter((r: any) => r.mode === "managed");
  return { imports, stateFile, resources };
}

/** Starts a loopback API seeded from the reference (optionally altered) and imports from it. */
export async function importReferenceAuthentik(dir: string, token: string, mutateSeed?: (seed: any) => void): Promise<ReferenceAuthentik> {
  const seed = referenceAuthentikSeed(dir);
  mutateSeed?.(seed);
  const api = await startAuthentikApi({ tokens: [token], seed });
  try {
    return { api, token, ...(await importReference(api.url, token, dir)) };
  } catch (e) {
    await api.close();
    throw e;
  }
}
