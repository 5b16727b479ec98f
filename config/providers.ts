/**
 * The provider versions this stack requires. Exact pins where the stack decides (kubernetes, helm,
 * goauthentik: a bump is an upgrade-checklist trigger); the live state's majors for vault and
 * cloudflare. terraform/providers.tsv lists the exact builds for the offline mirror; a unit test
 * keeps the two in step.
 */
export interface ProviderRequirement {
  /** Registry source address. */
  readonly source: string;
  /** Version constraint written to required_providers. */
  readonly version: string;
}

export const PROVIDER_REQUIREMENTS: Readonly<Record<string, ProviderRequirement>> = {
  kubernetes: { source: "hashicorp/kubernetes", version: "2.38.0" },
  helm: { source: "hashicorp/helm", version: "3.1.1" },
  vault: { source: "hashicorp/vault", version: "~> 4.0" },
  cloudflare: { source: "cloudflare/cloudflare", version: "~> 4" },
  authentik: { source: "goauthentik/authentik", version: "2026.2.1" },
};
