/**
 * The wildcard certificate, twice: under the repo-wide TLS secret name for the main ingresses, and as
 * the secret the outpost's self-managed ingress expects. The PEM files are read by Terraform's file()
 * at plan time; nothing of them is inlined at synth.
 */
import { Construct } from "constructs";
import { Fn } from "cdktf";
import { Secret } from "@cdktf/provider-kubernetes/lib/secret";
import { inAuthentikModule, pinAddress } from "../lib/state-address";

export interface TlsSecretsProps {
  /** Namespace reference (orders the secrets after the namespace). @default - required */
  readonly namespace: string;
  /** Name of the main wildcard secret (the tls_secret_name variable). @default - required */
  readonly mainSecretName: string;
  /** Name of the outpost ingress's secret (config.outpost.ingressSecretName). @default - required */
  readonly outpostSecretName: string;
  /** Folder of fullchain.pem and privkey.pem, as a Terraform expression. @default - required */
  readonly secretsDir: string;
}

export class TlsSecrets extends Construct {
  constructor(scope: Construct, id: string, props: TlsSecretsProps) {
    super(scope, id);
    const data = {
      "tls.crt": Fn.file(`${props.secretsDir}/fullchain.pem`),
      "tls.key": Fn.file(`${props.secretsDir}/privkey.pem`),
    };
    const secret = (cid: string, name: string) =>
      new Secret(this, cid, {
        metadata: { name, namespace: props.namespace },
        type: "kubernetes.io/tls",
        data,
        // the Kyverno sync-tls-secret policy stamps labels
        lifecycle: { ignoreChanges: ["metadata[0].labels"] as any },
      });
    pinAddress(secret("main", props.mainSecretName), "tls_secret", inAuthentikModule("module.tls_secret.kubernetes_secret.tls_secret"));
    pinAddress(secret("outpost", props.outpostSecretName), "tls_secret_outpost", inAuthentikModule("module.tls_secret_outpost.kubernetes_secret.tls_secret"));
  }
}
