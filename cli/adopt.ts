/**
 * `authentik-stack adopt [--out FILE] [--dry-run] [--json]`: find the identity layer's live objects in
 * authentik and write the adoption file (address -> id) the stack turns into import blocks.
 */
import * as path from "path";
import { loadConfig, readOverrides, deriveNames } from "../config";
import { ADOPTION_FILE, formatAdoption } from "../config/adoption";
import { packageRoot } from "../config/paths";
import { findAdoptions } from "../engine/adopt";
import { authentikClient, resolveToken } from "../io/authentik-client";
import { writeFileAtomic } from "../io/fs";
import { EXIT } from "./exit-codes";
import { CommandSpec } from "./framework";

export const command: CommandSpec = {
  name: "adopt",
  summary: "find the identity layer's live objects in authentik and write the adoption file (imports)",
  description: [
    "Looks up each group, the invitation-enrollment flow, its stages, prompts and bindings, and the two",
    "policies through the authentik API (by name or slug; bindings by flow, stage and policy), and writes",
    `${ADOPTION_FILE} (address -> id), which the stack turns into import blocks. Only reads authentik.`,
    "Then run plan-to-zero: an import that would also change an object is reported as a change. After",
    "the imports are applied, empty the file; the stack still plans to zero.",
  ].join("\n"),
  options: {
    out: { type: "string", value: "FILE", help: `where to write (default ${ADOPTION_FILE} in the repository)` },
    "dry-run": { type: "boolean", help: "print what would be written; write nothing" },
    json: { type: "boolean", help: "print {imports, missing, file} as JSON" },
  },
  exitCodes: {
    0: "every object found and the file written",
    1: "some objects were not found (listed; the stack would create them); the file holds the others",
    2: "usage error, or an ambiguous lookup (two live objects with one name)",
    3: "could not run (no token, authentik unreachable or refusing the token, deadline)",
  },
  env: [
    ["AUTHENTIK_URL", "authentik's base URL (default: the stack's https://authentik.<domain>)"],
    ["AUTHENTIK_TOKEN", "API token (default: Vault <mount>/<authentikPath>#tf_api_token)"],
    ["VAULT_ADDR, VAULT_TOKEN", "Vault, when AUTHENTIK_TOKEN is unset (or ~/.vault-token)"],
    ["AUTHENTIK_STACK_CONFIG", "config override file"],
  ],
  examples: ["authentik-stack adopt --dry-run", "authentik-stack adopt && authentik-stack plan-to-zero"],
  async run(ctx) {
    const config = loadConfig(readOverrides());
    const url = process.env.AUTHENTIK_URL ?? deriveNames(config).authentikUrl;
    const token = await resolveToken({ env: process.env, vault: { address: config.vault.address, mount: config.vault.mount, path: config.vault.authentikPath } });
    const result = await findAdoptions(authentikClient({ url, token }), config.identity, ctx.progress);
    const file = path.resolve(ctx.str("out") ?? path.join(packageRoot(), ADOPTION_FILE));
    const dry = ctx.flag("dry-run");
    if (!dry) writeFileAtomic(file, formatAdoption(result.imports));
    if (ctx.json) ctx.out(JSON.stringify({ file: dry ? null : file, imports: result.imports, missing: result.missing }, null, 2));
    else {
      ctx.out(`${Object.keys(result.imports).length} live object(s) found${dry ? " (dry run: nothing written)" : `, written to ${path.relative(process.cwd(), file) || file}`}`);
      for (const [a, i] of Object.entries(result.imports)) ctx.out(`  import ${a} = ${i}`);
      for (const m of result.missing) ctx.out(`  missing ${m.address}: no ${m.lookedFor}; the stack would create it`);
      if (!dry) ctx.out("next: `npx authentik-stack plan-to-zero` (imports must show no other change)");
    }
    return result.missing.length ? EXIT.findings : EXIT.ok;
  },
};
