/**
 * AK010 Secrets hygiene. Secrets come from Vault (data sources) and secrets/ files (file()) at plan
 * time; no secret material may be a literal in the synthesized JSON. Two live findings are reported as
 * warnings until the operator fixes them deliberately: the DB password rendered into the pgbouncer
 * ConfigMap, and into a plain env var of the pgbouncer Deployment.
 */
import { block, blocks, isReference, resourcesOf } from "./read/stack-json";
import { Finding, Guard, finder } from "./types";

const ID = "AK010";
const f = finder(ID);
const VAULT_REF = /data\.vault_kv_secret_v2\./;
const PEM = /-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----/;
const PASSWORD_LITERAL = /password[ \t]*=[ \t]*(?!\$\{)[^\s"$]+/i;

/** Provider arguments that carry credentials; each must be a reference when set. */
const PROVIDER_SECRETS: Record<string, string[]> = {
  authentik: ["token"],
  cloudflare: ["api_key", "api_token", "api_user_service_key"],
  vault: ["token"],
};

function walkStrings(v: unknown, path: string, visit: (s: string, path: string) => void): void {
  if (typeof v === "string") visit(v, path);
  else if (Array.isArray(v)) v.forEach((x, i) => walkStrings(x, `${path}[${i}]`, visit));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) if (k !== "//") walkStrings(x, path ? `${path}.${k}` : k, visit);
}

export const secretsHygieneGuard: Guard = {
  id: ID,
  name: "secrets-hygiene",
  protects: "secret material staying out of the synthesized JSON (Vault and file() at plan time)",
  check: ({ stack }) => {
    const out: Finding[] = [];
    // 1. nothing that looks like key material or a literal password anywhere
    for (const [section, types] of Object.entries({ resource: stack.resource, data: stack.data, locals: { locals: stack.locals }, output: { output: stack.output } })) {
      for (const [type, byName] of Object.entries((types ?? {}) as Record<string, any>)) {
        for (const [name, values] of Object.entries((byName ?? {}) as Record<string, any>)) {
          const address = section === "resource" ? `${type}.${name}` : section === "data" ? `data.${type}.${name}` : `${section}.${name}`;
          walkStrings(values, "", (s, path) => {
            if (PEM.test(s)) out.push(f("error", { address, attribute: path, message: "PEM key or certificate material is inlined in the synthesized JSON", expected: "file(\"${var.secrets_dir}/...\") read at plan time", actual: "a literal PEM block", fix: "Read TLS material with Fn.file() at plan time; never readFileSync it at synth." }));
            else if (PASSWORD_LITERAL.test(s)) out.push(f("error", { address, attribute: path, message: "a password is written as a literal", expected: "a Vault data-source reference", actual: "password=<literal>", fix: "Interpolate the password from VaultSecret.value(...)." }));
          });
        }
      }
    }
    // 2. credential arguments of providers and Secret data must be references
    for (const [type, attrs] of Object.entries(PROVIDER_SECRETS)) {
      for (const cfg of blocks((stack.provider ?? {})[type])) {
        for (const a of attrs) if (cfg?.[a] !== undefined && !isReference(cfg[a])) out.push(f("error", { address: `provider.${type}`, attribute: a, message: `provider ${type} ${a} is a literal credential`, expected: "a Vault data-source reference", actual: "a literal", fix: "Read it from Vault (VaultSecret.value)." }));
      }
    }
    for (const r of resourcesOf(stack, "kubernetes_secret")) {
      for (const [k, v] of Object.entries(r.values.data ?? {})) {
        if (!isReference(v)) out.push(f("error", { address: r.address, attribute: `data["${k}"]`, message: "Secret data is a literal in the synthesized JSON", expected: "file() or a Vault reference", actual: "a literal", fix: "Reference the value; Terraform reads it at plan time." }));
      }
    }
    // 3. known live findings: secrets in a ConfigMap, secrets in plain env
    for (const r of resourcesOf(stack, "kubernetes_config_map")) {
      for (const [k, v] of Object.entries(r.values.data ?? {})) {
        if (typeof v === "string" && VAULT_REF.test(v)) out.push(f("warning", { address: r.address, attribute: `data["${k}"]`, message: "a Vault secret (the database password) is rendered into a ConfigMap, readable by anyone who can read ConfigMaps in the namespace", expected: "secrets in a Secret", actual: "a Vault value in ConfigMap data", fix: "Move the [databases] line with the password into the pgbouncer-auth Secret (or an auth_query), in a separate, deliberate change." }));
      }
    }
    for (const r of resourcesOf(stack, "kubernetes_deployment")) {
      const spec = block(block(block(r.values.spec)?.template)?.spec);
      blocks(spec?.container).forEach((c: any, ci: number) =>
        blocks(c?.env).forEach((e: any, ei: number) => {
          if (typeof e?.value === "string" && VAULT_REF.test(e.value)) out.push(f("warning", { address: r.address, attribute: `spec[0].template[0].spec[0].container[${ci}].env[${ei}].value`, message: `env ${e.name} carries a Vault secret as a plain value, visible in the Deployment spec`, expected: "value_from.secret_key_ref", actual: "a plain env value", fix: "Read it from a Secret with value_from.secret_key_ref, in a separate, deliberate change." }));
        }),
      );
    }
    return out;
  },
};
