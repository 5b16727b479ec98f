/** Synthesizes the stack in memory (or to a folder) for tests. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildApp } from "../../app";
import { App } from "cdktf";
import { DeepPartial, StackConfig, loadConfig } from "../../config";
import { ValuesFile } from "../../config/values-file";
import { AuthentikStack } from "../../constructs/authentik-stack";
import { StackJson } from "../../guards/types";

import { clone } from "./stack-json";

export { ROOT, clone, guardContext, outpostConfig, setOutpostConfig } from "./stack-json";

/** The stack's JSON exactly as synthesis writes it (resolved tokens), without writing. */
export function synthJson(overrides: DeepPartial<StackConfig> = {}, values?: ValuesFile): StackJson {
  if (values) {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "ak-synth-")) });
    const stack = new AuthentikStack(app, { config: loadConfig(overrides), values });
    return JSON.parse(JSON.stringify(stack.toTerraform()));
  }
  const { stack } = buildApp(fs.mkdtempSync(path.join(os.tmpdir(), "ak-synth-")), overrides);
  return JSON.parse(JSON.stringify(stack.toTerraform()));
}

/** Synthesizes to a fresh folder through app.synth() (validations included); returns the stack dir. */
export function synthToDir(overrides: DeepPartial<StackConfig> = {}): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "ak-out-"));
  buildApp(out, overrides).app.synth();
  return path.join(out, "stacks", "authentik");
}

/** Whether a synthesized block belongs to the identity layer (constructs/identity, path <stack>/identity/...). */
export function isIdentityBlock(block: any): boolean {
  return typeof block?.["//"]?.metadata?.path === "string" && /^[^/]+\/identity\//.test(block["//"].metadata.path);
}

/**
 * The stack without its identity layer: the deployment the reference (live-stack.yaml, the Terraform
 * state of today) describes. The identity objects are not in that state; they are adopted through
 * import blocks, and proven by the identity adoption test against the loopback authentik API.
 */
export function withoutIdentity<T extends StackJson>(stack: T): T {
  const s: any = clone(stack);
  for (const kind of ["resource", "data"]) {
    for (const [type, byName] of Object.entries<any>(s[kind] ?? {})) {
      for (const [name, block] of Object.entries<any>(byName)) if (isIdentityBlock(block)) delete byName[name];
      if (!Object.keys(byName).length) delete s[kind][type];
    }
  }
  delete s.import;
  return s;
}

/** Addresses of the identity layer's resources and data sources in a synthesized stack. */
export function identityAddresses(stack: StackJson): string[] {
  const out: string[] = [];
  for (const kind of ["resource", "data"] as const) {
    for (const [type, byName] of Object.entries<any>((stack as any)[kind] ?? {})) {
      for (const [name, block] of Object.entries<any>(byName)) if (isIdentityBlock(block)) out.push(`${kind === "data" ? "data." : ""}${type}.${name}`);
    }
  }
  return out.sort();
}
