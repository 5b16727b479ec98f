/**
 * The authentik namespace, its ResourceQuota, and the goauthentik Helm release. The release's values
 * are the values file's text, verbatim (the helm provider compares them byte for byte).
 */
import { Construct } from "constructs";
import { Fn, TerraformLocal } from "cdktf";
import { Namespace } from "@cdktf/provider-kubernetes/lib/namespace";
import { ResourceQuota } from "@cdktf/provider-kubernetes/lib/resource-quota";
import { Release } from "@cdktf/provider-helm/lib/release";
import { StackConfig } from "../config";
import { ValuesFile } from "../config/values-file";
import { literalTemplate } from "../lib/tf-json";
import { inAuthentikModule, pinAddress } from "./address";

export interface AuthentikReleaseProps {
  /** Namespace, tier, quota and release settings. */
  readonly config: StackConfig;
  /** The values file, read at synth; its text is sent as the release's single values document. */
  readonly values: ValuesFile;
}

export class AuthentikRelease extends Construct {
  /** The namespace's name as a reference, so dependants are ordered after it. */
  readonly namespaceName: string;
  readonly namespace: Namespace;
  readonly release: Release;

  constructor(scope: Construct, id: string, props: AuthentikReleaseProps) {
    super(scope, id);
    const c = props.config;

    this.namespace = pinAddress(
      new Namespace(this, "namespace", {
        metadata: { name: c.namespace, labels: { tier: c.tier, "resource-governance/custom-quota": "true" } },
        // a Kyverno ClusterPolicy stamps this label on every namespace
        lifecycle: { ignoreChanges: ['metadata[0].labels["goldilocks.fairwinds.com/vpa-update-mode"]'] as any },
      }),
      "authentik",
      inAuthentikModule("kubernetes_namespace.authentik"),
    );
    this.namespaceName = this.namespace.metadata.name;

    pinAddress(
      new ResourceQuota(this, "quota", {
        metadata: { name: `${c.namespace}-quota`, namespace: this.namespaceName },
        spec: { hard: { ...c.quota } },
      }),
      "authentik",
      inAuthentikModule("kubernetes_resource_quota.authentik"),
    );

    // The values text is not secret, but the live state holds it marked sensitive (the HCL stack
    // rendered it with templatefile() and Vault arguments). Terraform plans an update when the
    // sensitivity differs, so mark it the same way: sensitive() over a local holding the literal text.
    const values = new TerraformLocal(this, "values-text", literalTemplate(props.values.text));
    values.overrideLogicalId("authentik_values");

    this.release = pinAddress(
      new Release(this, "release", {
        name: c.release.name,
        namespace: this.namespaceName,
        createNamespace: c.release.createNamespace,
        repository: c.release.repository,
        chart: c.release.chart,
        version: c.release.version,
        atomic: c.release.atomic,
        timeout: c.release.timeoutSeconds,
        values: [Fn.sensitive(values.expression)],
      }),
      "authentik",
      inAuthentikModule("helm_release.authentik"),
    );
  }
}
