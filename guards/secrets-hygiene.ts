/**
 * AK010 Secrets hygiene. Secrets come from Vault (data sources) and secrets/ files (file()) at plan
 * time; no secret material may be a literal anywhere in the synthesized stack: not in resource or
 * provider arguments, not in the Helm values text (parsed), not in env values (Deployments, the values'
 * env lists, the outpost's patches), not in ConfigMap or Secret data. Found by content (PEM blocks,
 * `password=<literal>`) and by name (keys and env names such as password, secret, token, credential,
 * api_key, private_key holding a non-empty literal). Two live findings are warnings, acknowledged in
 * guard-acknowledgements.json until the operator fixes them deliberately: the DB password rendered (from
 * Vault) into the pgbouncer ConfigMap and into a plain env var of the pgbouncer Deployment.
 */
import { block, blocks, helmValues, isReference, outposts, resourcesOf } from "./read/stack-json";
import { Finding, Guard, finder, shown } from "./types";

const ID = "AK010";
const f = finder(ID);
const VAULT_REF = /data\.vault_kv_secret_v2\./;
const PEM = /-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----/;
// a quoted literal counts too (password = "x" in an ini or toml text); a ${...} reference does not
// (one character of the literal is enough to know there is one)
const PASSWORD_LITERAL = /password[ \t]*[=:][ \t]*["']?(?!\$\{)[^\s"'$,;]/i;
/** Names that hold a secret (keys, env names); the exclusions name or point at one instead. */
const SECRET_NAME = /(pass(word|wd)?|secret|token|credential|api[-_.]?key|private[-_.]?key|access[-_.]?key|auth[-_.]?key|client[-_.]?key)/i;
const NOT_A_SECRET = /(name|names|ref|path|file|mount|type|id|ids|validity|duration|url|uri|ttl|expiry|expires|enabled|age|length|class|policy|template|_(s|ms|seconds))$|^(existing|skip_child_token)/i;

/** Provider arguments that carry credentials; each must be a reference when set. */
const PROVIDER_SECRETS: Record<string, string[]> = {
  authentik: ["token"],
  cloudflare: ["api_key", "api_token", "api_user_service_key"],
  vault: ["token"],
};

const literal = (v: unknown): v is string => typeof v === "string" && v.trim() !== "" && !isReference(v);
const secretName = (name: unknown) => typeof name === "string" && SECRET_NAME.test(name) && !NOT_A_SECRET.test(name.replace(/[-.]/g, "_"));

type Problem = Pick<Finding, "message" | "expected" | "actual" | "fix">;
/** What is wrong with a value under `key`, if anything: PEM material, password=<literal>, a secret-named key holding a literal. */
function stringProblem(key: string, v: unknown, where: string): Problem | undefined {
  if (typeof v !== "string") return undefined;
  if (PEM.test(v)) return { message: `PEM key or certificate material is inlined ${where}`, expected: 'file("${var.secrets_dir}/...") read at plan time', actual: "a literal PEM block", fix: "Read TLS material with Fn.file() at plan time; never readFileSync it at synth." };
  if (PASSWORD_LITERAL.test(v)) return { message: `a password is written as a literal ${where}`, expected: "a Vault data-source reference", actual: "password=<literal>", fix: "Interpolate the password from VaultSecret.value(...)." };
  if (secretName(key) && literal(v)) return { message: `'${key}' holds a literal secret ${where}`, expected: "empty, or a Vault / file() reference resolved at plan time", actual: "a non-empty literal", fix: "Read it from Vault (VaultSecret.value) or a Secret; never write it into the stack or the values file." };
  return undefined;
}

/** Visits every value under `v`, with its attribute path and key ("" for the root and list items); "//" comments are skipped. */
function walk(v: unknown, path: string, visit: (node: unknown, path: string, key: string) => void, key = ""): void {
  visit(v, path, key);
  if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`, visit));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) if (k !== "//") walk(x, path ? `${path}.${k}` : k, visit, k);
}

/** Every literal secret in `root` (an attribute tree), reported at `address`: by content, by key name, by env name. */
function literalSecrets(root: unknown, address: string, base: string, where: string): Finding[] {
  const out: Finding[] = [];
  walk(root, base, (node, path, key) => {
    const problem = stringProblem(key, node, where);
    // an env entry {name, value} (a string, a list or null has no name); a value found by content is
    // reported where it is, as a string
    const e = node as { name?: unknown; value?: unknown } | null | undefined;
    if (problem) out.push(f("error", { address, attribute: path, ...problem }));
    else if (secretName(e?.name) && literal(e!.value) && !PEM.test(e!.value) && !PASSWORD_LITERAL.test(e!.value)) {
      out.push(f("error", { address, attribute: `${path}.value`, message: `env ${e!.name} is a literal secret ${where}`, expected: "valueFrom.secretKeyRef (or value_from.secret_key_ref)", actual: "a non-empty literal value", fix: "Read it from a Secret; never write it into the stack or the values file." }));
    }
  });
  return out;
}

export const secretsHygieneGuard: Guard = {
  id: ID,
  name: "secrets-hygiene",
  protects: "secret material staying out of the synthesized JSON (Vault and file() at plan time), wherever it is written",
  check: (ctx) => {
    const { stack } = ctx;
    const out: Finding[] = [];
    // 1. every resource, data source, provider, local and output: by content and by name
    for (const [section, byType] of Object.entries({ resource: stack.resource, data: stack.data })) {
      for (const [type, byName] of Object.entries((byType ?? {}) as Record<string, any>)) {
        for (const [name, values] of Object.entries((byName ?? {}) as Record<string, any>)) {
          out.push(...literalSecrets(values, `${section === "data" ? "data." : ""}${type}.${name}`, "", "in the synthesized JSON"));
        }
      }
    }
    for (const [type, cfgs] of Object.entries(stack.provider ?? {})) blocks(cfgs).forEach((c) => out.push(...literalSecrets(c, providerAddress(type, c), "", "in a provider's configuration")));
    for (const [name, v] of Object.entries(stack.locals ?? {})) out.push(...literalSecrets(v, `locals.${name}`, "", "in the synthesized JSON"));
    for (const [name, v] of Object.entries(stack.output ?? {})) out.push(...literalSecrets(v, `output.${name}`, "", "in an output"));
    // 2. text the JSON carries as strings: the Helm values (parsed) and the outpost config (patches, env)
    for (const h of helmValues(ctx)) if (h.values) out.push(...literalSecrets(h.values.raw, h.address, "values", "in the Helm values"));
    for (const o of outposts(stack)) out.push(...literalSecrets(o.config, o.address, "config", "in the outpost config"));
    // 3. credential arguments of providers and Secret data must be references (even when unnamed)
    for (const [type, attrs] of Object.entries(PROVIDER_SECRETS)) {
      for (const cfg of blocks((stack.provider ?? {})[type])) {
        for (const a of attrs) if (cfg?.[a] !== undefined && !isReference(cfg[a]) && !literal(cfg[a])) out.push(f("error", { address: providerAddress(type, cfg), attribute: a, message: `provider ${type} ${a} is not a reference`, expected: "a Vault data-source reference", actual: shown(cfg[a]), fix: "Read it from Vault (VaultSecret.value)." }));
      }
    }
    for (const r of resourcesOf(stack, "kubernetes_secret")) {
      for (const [k, v] of Object.entries(r.values.data ?? {})) {
        // (a value found by content or by its key's name was reported above, where it is)
        if (!isReference(v) && !stringProblem(k, v, "")) out.push(f("error", { address: r.address, attribute: `data["${k}"]`, message: "Secret data is a literal in the synthesized JSON", expected: "file() or a Vault reference", actual: "a literal", fix: "Reference the value; Terraform reads it at plan time." }));
      }
    }
    // 4. known live findings: Vault secrets rendered into a ConfigMap, and into plain env
    for (const r of resourcesOf(stack, "kubernetes_config_map")) {
      for (const [k, v] of Object.entries(r.values.data ?? {})) {
        if (VAULT_REF.test(JSON.stringify(v))) out.push(f("warning", { address: r.address, attribute: `data["${k}"]`, message: "a Vault secret (the database password) is rendered into a ConfigMap, readable by anyone who can read ConfigMaps in the namespace", expected: "secrets in a Secret", actual: "a Vault value in ConfigMap data", fix: "Move the [databases] line with the password into the pgbouncer-auth Secret (or an auth_query), in a separate, deliberate change." }));
      }
    }
    for (const r of resourcesOf(stack, "kubernetes_deployment")) {
      const spec = block(block(block(r.values.spec)?.template)?.spec);
      blocks(spec?.container).forEach((c: any, ci: number) =>
        blocks(c?.env).forEach((e: any, ei: number) => {
          if (VAULT_REF.test(JSON.stringify(e?.value))) out.push(f("warning", { address: r.address, attribute: `spec[0].template[0].spec[0].container[${ci}].env[${ei}].value`, message: `env ${e.name} carries a Vault secret as a plain value, visible in the Deployment spec`, expected: "value_from.secret_key_ref", actual: "a plain env value", fix: "Read it from a Secret with value_from.secret_key_ref, in a separate, deliberate change." }));
        }),
      );
    }
    return out;
  },
};

/** A provider block's address: `provider.vault`, or `provider.vault.<alias>` for an aliased one. */
function providerAddress(type: string, cfg: any): string {
  return typeof cfg?.alias === "string" ? `provider.${type}.${cfg.alias}` : `provider.${type}`;
}
