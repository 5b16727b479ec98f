/** Names, labels and facts derived from the config: read these, never retype them. */
import { OutpostConfig, StackConfig } from "./stack-config";
import { LABEL_KEYS } from "./facts";

/** Django's slugify, as authentik applies it to outpost names. */
export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[^\x00-\x7f]/g, "")
    .toLowerCase()
    .replace(/[^\w\s-]/g, "")
    .trim()
    .replace(/[-\s]+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "");
}

/** The Kubernetes object name the outpost controller renders (Service, Deployment, Secret). */
export function outpostObjectName(o: Pick<OutpostConfig, "name" | "objectNamingTemplate">): string {
  return o.objectNamingTemplate.replace("%(name)s", slugify(o.name));
}

/**
 * The labels authentik's outpost controller puts on an outpost's pods ("pod meta"): what the Service
 * must select. The UUID is written as 32 hex digits (uuid.hex), the name slugified.
 */
export function outpostPodLabels(o: { readonly name: string; readonly type: string; readonly uuid: string }): Record<string, string> {
  return {
    [LABEL_KEYS.managedBy]: "goauthentik.io",
    [LABEL_KEYS.name]: `authentik-outpost-${o.type}`,
    [LABEL_KEYS.outpostName]: slugify(o.name),
    [LABEL_KEYS.outpostType]: o.type,
    [LABEL_KEYS.outpostUuid]: o.uuid.replace(/-/g, ""),
  };
}

/** Everything derived from the config: read these, never retype them. */
export interface DerivedNames {
  readonly authentikHost: string;
  readonly authentikUrl: string;
  readonly outpostSlug: string;
  readonly outpostObjectName: string;
  readonly outpostUuidHex: string;
  /** The labels the controller puts on the outpost pods (and the service patch selects). */
  readonly outpostPodLabels: Readonly<Record<string, string>>;
  /** Traefik's `service` label for the outpost: <namespace>-<service>-<port>@kubernetes. */
  readonly outpostTraefikService: string;
  readonly outpostContainerName: string;
  readonly serverDeployment: string;
  readonly serverServiceName: string;
  readonly tunnelTarget: string;
}

export function deriveNames(c: StackConfig): DerivedNames {
  const outpostSlug = slugify(c.outpost.name);
  const objectName = outpostObjectName(c.outpost);
  const uuidHex = c.outpost.uuid.replace(/-/g, "");
  const host = `authentik.${c.domain}`;
  return {
    authentikHost: host,
    authentikUrl: `https://${host}`,
    outpostSlug,
    outpostObjectName: objectName,
    outpostUuidHex: uuidHex,
    outpostPodLabels: outpostPodLabels(c.outpost),
    outpostTraefikService: `${c.namespace}-${objectName}-${c.outpost.ports.http}@kubernetes`,
    outpostContainerName: c.outpost.type,
    serverDeployment: `${c.release.name}-server`,
    serverServiceName: `${c.release.name}-server`,
    tunnelTarget: `${c.dns.tunnelId}.cfargotunnel.com`,
  };
}
