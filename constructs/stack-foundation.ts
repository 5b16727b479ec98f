/**
 * What every other construct stands on: the state backend, the providers with their pinned versions,
 * the input variables, and the Vault secrets read at plan time.
 */
import { Construct } from "constructs";
import { PgBackend, TerraformStack, TerraformVariable } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { VaultProvider } from "../.gen/providers/vault/provider";
import { DataVaultKvSecretV2 } from "../.gen/providers/vault/data-vault-kv-secret-v2";
import { CloudflareProvider } from "../.gen/providers/cloudflare/provider";
import { AuthentikProvider } from "../.gen/providers/authentik/provider";
import { VaultConfig } from "../config";
import { PROVIDER_REQUIREMENTS } from "../config/providers";
import { pinDataAddress } from "../lib/state-address";

export interface StackFoundationProps {
  /** PostgreSQL schema of the pg state backend (the connection string comes from PG_CONN_STR). @default - required */
  readonly backendSchemaName: string;
  /** Vault address, KV mount and the paths the secrets are read from at plan time. @default - required */
  readonly vault: VaultConfig;
  /** https://authentik.<domain>, the goauthentik provider's URL. @default - required */
  readonly authentikUrl: string;
}

/** A secret read from Vault KV v2 at plan time; `value(key)` is a reference, never the value. */
export class VaultSecret {
  constructor(readonly data: DataVaultKvSecretV2) {}
  /** `data.vault_kv_secret_v2.<name>.data["<key>"]` as a Terraform expression (sensitive). */
  value(key: string): string {
    return this.data.data.lookup(key);
  }
}

export class StackFoundation extends Construct {
  /** Name of the wildcard TLS Secret the main ingresses use (repo-wide variable). */
  readonly tlsSecretName: string;
  /** Directory the secrets/ files are read from at plan time. */
  readonly secretsDir: string;
  /** secret/<platform>: DB password, homepage credentials. */
  readonly platform: VaultSecret;
  /** secret/<authentik>: the Terraform API token. */
  readonly authentikTf: VaultSecret;
  /** secret/<platform> again, for the Cloudflare API key (its own data source, as in the live stack). */
  readonly cfPlatform: VaultSecret;

  constructor(scope: TerraformStack, id: string, props: StackFoundationProps) {
    super(scope, id);
    const v = props.vault;

    // State: PostgreSQL, one schema per stack; the connection string comes from PG_CONN_STR.
    new PgBackend(scope, { connStr: "", schemaName: props.backendSchemaName });
    // connStr "" would be written as conn_str = ""; drop it so the backend reads PG_CONN_STR.
    scope.addOverride("terraform.backend.pg.conn_str", undefined);

    const tls = new TerraformVariable(scope, "tls_secret_name", { type: "string", description: "Name of the wildcard TLS Secret (repo-wide config.tfvars)" });
    tls.overrideLogicalId("tls_secret_name");
    const redis = new TerraformVariable(scope, "redis_host", { type: "string", description: "Declared for parity with the HCL stack's inputs; unused" });
    redis.overrideLogicalId("redis_host");
    const kube = new TerraformVariable(scope, "kube_config_path", { type: "string", default: "~/.kube/config", description: "kubeconfig for the kubernetes and helm providers" });
    kube.overrideLogicalId("kube_config_path");
    const email = new TerraformVariable(scope, "cloudflare_email", {
      type: "string",
      description: "The Cloudflare account e-mail (kept out of the repository; provider configuration, not state)",
    });
    email.overrideLogicalId("cloudflare_email");
    const secretsDir = new TerraformVariable(scope, "secrets_dir", {
      type: "string",
      default: "../../../secrets",
      description: "Folder holding fullchain.pem and privkey.pem, relative to the synthesized stack directory",
    });
    secretsDir.overrideLogicalId("secrets_dir");
    this.tlsSecretName = tls.stringValue;
    this.secretsDir = secretsDir.stringValue;

    new KubernetesProvider(scope, "kubernetes", { configPath: kube.stringValue });
    new HelmProvider(scope, "helm", { kubernetes: { configPath: kube.stringValue } });
    new VaultProvider(scope, "vault", { address: v.address, skipChildToken: true });

    const secret = (name: string, path: string) =>
      new VaultSecret(pinDataAddress(new DataVaultKvSecretV2(scope, `vault-${name}`, { mount: v.mount, name: path }), name));
    this.platform = secret("secrets", v.platformPath);
    this.authentikTf = secret("authentik_tf", v.authentikPath);
    this.cfPlatform = secret("cf_platform", v.platformPath);

    new CloudflareProvider(scope, "cloudflare", { apiKey: this.cfPlatform.value("cloudflare_api_key"), email: email.stringValue });
    new AuthentikProvider(scope, "authentik", { url: props.authentikUrl, token: this.authentikTf.value("tf_api_token") });

    // moved blocks out of modules need terraform >= 1.5 (declared, not probed at synth: see address.ts)
    scope.addOverride("terraform.required_version", ">= 1.5.0");
    for (const [name, req] of Object.entries(PROVIDER_REQUIREMENTS)) {
      scope.addOverride(`terraform.required_providers.${name}`, { source: req.source, version: req.version });
    }
  }
}
