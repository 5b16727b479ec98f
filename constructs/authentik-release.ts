/**
 * The authentik namespace, its ResourceQuota, and the goauthentik Helm release. The release's values
 * are the values file's text, verbatim (the helm provider compares them byte for byte).
 */
import { Construct } from "constructs";
import { Fn, TerraformLocal } from "cdktf";
import { Namespace } from "@cdktf/provider-kubernetes/lib/namespace";
import { ResourceQuota } from "@cdktf/provider-kubernetes/lib/resource-quota";
import { Release } from "@cdktf/provider-helm/lib/release";
import { ReleaseConfig } from "../config";
import { literalTemplate } from "../lib/tf-json";
import { inAuthentikModule, pinAddress } from "../lib/state-address";

export interface AuthentikReleaseProps {
  /** Namespace the release, quota and (through namespaceName) every dependant live in. @default - required */
  readonly namespace: string;
  /** Repo-wide tier label on the namespace. @default - required */
  readonly tier: string;
  /** The namespace's ResourceQuota `hard` limits. @default - required */
  readonly quota: Readonly<Record<string, string>>;
  /** Helm release settings (name, chart, repository, version, atomic, timeout). @default - required */
  readonly release: ReleaseConfig;
  /** The values file's text, sent verbatim as the release's single values document. @default - required */
  readonly valuesText: string;
}

export class AuthentikRelease extends Construct {
  /** The namespace's name as a reference, so dependants are ordered after it. */
  readonly namespaceName: string;
  readonly namespace: Namespace;
  readonly release: Release;

  constructor(scope: Construct, id: string, props: AuthentikReleaseProps) {
    super(scope, id);
    const r = props.release;

    this.namespace = pinAddress(
      new Namespace(this, "namespace", {
        metadata: { name: props.namespace, labels: { tier: props.tier, "resource-governance/custom-quota": "true" } },
        // a Kyverno ClusterPolicy stamps this label on every namespace
        lifecycle: { ignoreChanges: ['metadata[0].labels["goldilocks.fairwinds.com/vpa-update-mode"]'] as any },
      }),
      "authentik",
      inAuthentikModule("kubernetes_namespace.authentik"),
    );
    this.namespaceName = this.namespace.metadata.name;

    pinAddress(
      new ResourceQuota(this, "quota", {
        metadata: { name: `${props.namespace}-quota`, namespace: this.namespaceName },
        spec: { hard: { ...props.quota } },
      }),
      "authentik",
      inAuthentikModule("kubernetes_resource_quota.authentik"),
    );

    // The values text is not secret, but the live state holds it marked sensitive (the HCL stack
    // rendered it with templatefile() and Vault arguments). Terraform plans an update when the
    // sensitivity differs, so mark it the same way: sensitive() over a local holding the literal text.
    const values = new TerraformLocal(this, "values-text", literalTemplate(props.valuesText));
    values.overrideLogicalId("authentik_values");

    this.release = pinAddress(
      new Release(this, "release", {
        name: r.name,
        namespace: this.namespaceName,
        createNamespace: r.createNamespace,
        repository: r.repository,
        chart: r.chart,
        version: r.version,
        atomic: r.atomic,
        timeout: r.timeoutSeconds,
        values: [Fn.sensitive(values.expression)],
      }),
      "authentik",
      inAuthentikModule("helm_release.authentik"),
    );
  }
}
