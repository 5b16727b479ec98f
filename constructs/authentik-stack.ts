/**
 * The authentik stack: everything ../shared/reference/live-stack.yaml lists, composed from the
 * constructs beside this file and derived from one {@link StackConfig}.
 */
import * as path from "path";
import { Construct } from "constructs";
import { Fn, TerraformResource, TerraformStack } from "cdktf";
import { DataAuthentikFlow } from "../.gen/providers/authentik/data-authentik-flow";
import { DerivedNames, StackConfig, deriveNames } from "../config";
import { ValuesFile, readValuesFile } from "../config/values-file";
import { pinDataAddress } from "../lib/state-address";
import { packageRoot } from "../config/paths";
import { StackFoundation } from "./stack-foundation";
import { AuthentikRelease } from "./authentik-release";
import { TlsSecrets } from "./tls-secrets";
import { PgBouncer } from "./pgbouncer";
import { MIDDLEWARE_ORDER, TraefikIngress } from "./traefik-ingress";
import { ProxyApplication } from "./proxy-application";
import { LoginStage } from "./login-stage";
import { EmbeddedOutpost } from "./embedded-outpost";
import { AlertRules } from "./alert-rules";
import { buildAlertGroups } from "../alerts/rules";
import { IdentityLayer } from "./identity";
import { IdentityConfig, identityProblems } from "../config/identity";
import { ADOPTION_FILE, parseAdoption } from "../config/adoption";
import * as fs from "fs";

export interface AuthentikStackProps {
  /** The validated stack config (see config/). @default - required */
  readonly config: StackConfig;
  /** Repo root; the values file path in the config is relative to it. @default - the package root */
  readonly rootDir?: string;
  /** Values already read (tests). @default - read config.release.valuesFile */
  readonly values?: ValuesFile;
  /** The identity layer (groups, enrollment flow, policies). @default - the config's (`config.identity`: the live objects unless overridden) */
  readonly identity?: IdentityConfig;
  /** Live objects to import (address -> id). @default - read the adoption file (AUTHENTIK_STACK_ADOPTION or adoption/identity.json) */
  readonly imports?: Readonly<Record<string, string>>;
}

/** The adoption file's imports: AUTHENTIK_STACK_ADOPTION, else the committed file (absent = none). */
export function readImports(root: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const file = env.AUTHENTIK_STACK_ADOPTION ?? path.join(root, ADOPTION_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" && !env.AUTHENTIK_STACK_ADOPTION) return {};
    throw new Error(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); allowed: a readable adoption file. Fix: rerun \`npx authentik-stack adopt\` or unset AUTHENTIK_STACK_ADOPTION.`);
  }
  return { ...parseAdoption(text, file).imports };
}

export class AuthentikStack extends TerraformStack {
  readonly config: StackConfig;
  readonly names: DerivedNames;
  readonly values: ValuesFile;
  readonly outpost: EmbeddedOutpost;
  readonly alerts: AlertRules;
  readonly identity: IdentityLayer;

  constructor(scope: Construct, props: AuthentikStackProps) {
    super(scope, props.config.stackName);
    const c = props.config;
    this.config = c;
    this.names = deriveNames(c);
    const root = props.rootDir ?? packageRoot();
    this.values = props.values ?? readValuesFile(path.resolve(root, c.release.valuesFile));
    const postgresSecret = this.values.values.existingSecretName;
    if (!postgresSecret) {
      throw new Error(
        `${c.release.valuesFile}: authentik.existingSecret.secretName is not set; the outpost's AUTHENTIK_POSTGRESQL__* env ` +
          `is read from that Secret. Fix: set it to the Secret the server pods use (live: goauthentik).`,
      );
    }

    const n = this.names;
    const base = new StackFoundation(this, "foundation", { backendSchemaName: c.backend.schemaName, vault: c.vault, authentikUrl: n.authentikUrl });
    const release = new AuthentikRelease(this, "release", { namespace: c.namespace, tier: c.tier, quota: c.quota, release: c.release, valuesText: this.values.text });
    new TlsSecrets(this, "tls", {
      namespace: release.namespaceName,
      mainSecretName: base.tlsSecretName,
      outpostSecretName: c.outpost.ingressSecretName,
      secretsDir: base.secretsDir,
    });
    new PgBouncer(this, "pgbouncer", { settings: c.pgbouncer, namespace: release.namespaceName, tier: c.tier, databasePassword: base.platform.value("authentik_postgres_password") });

    new TraefikIngress(this, "ingress", {
      factory: c.ingress,
      name: c.namespace,
      namespace: release.namespaceName,
      host: this.names.authentikHost,
      backend: { service: this.names.serverServiceName, port: 80 },
      tlsSecretName: base.tlsSecretName,
      middlewares: MIDDLEWARE_ORDER,
      homepage: {
        name: "Authentik",
        icon: "authentik.png",
        description: "Identity provider",
        podSelector: "",
        widget: {
          type: "authentik",
          url: `http://${this.names.serverServiceName}.${c.namespace}.svc.cluster.local`,
          // the homepage token, or "" when the credentials have none (as the factory does)
          key: Fn.try([Fn.lookupNested(Fn.jsondecode(base.platform.value("homepage_credentials")), ["authentik", "token"]), ""]),
        },
      },
      proxiedDns: { zoneId: c.dns.zoneId, domain: c.domain, target: n.tunnelTarget },
      externalMonitor: true,
      address: {
        ingress: "authentik",
        ingressMovedFrom: "module.authentik.module.ingress.kubernetes_ingress_v1.proxied-ingress",
        dns: "authentik",
        dnsMovedFrom: "module.authentik.module.ingress.cloudflare_record.proxied[0]",
      },
    });

    const flow = (name: string, slug: string) => pinDataAddress(new DataAuthentikFlow(this, `flow-${name}`, { slug }), name);
    const authz = flow("default_authorization_implicit_consent", c.catchAll.authorizationFlowSlug);
    const inval = flow("default_provider_invalidation", c.catchAll.invalidationFlowSlug);
    const apps = [c.catchAll, ...c.extraProxyApplications].map(
      (app) =>
        new ProxyApplication(this, `app-${app.resourceName}`, {
          app,
          externalHost: this.names.authentikUrl,
          cookieDomain: c.domain,
          authorizationFlow: authz.id,
          invalidationFlow: inval.id,
        }),
    );
    const login = new LoginStage(this, "login", { name: c.loginStage.name, sessionDuration: c.loginStage.sessionDuration });

    this.outpost = new EmbeddedOutpost(this, "outpost", {
      outpost: c.outpost,
      namespace: c.namespace,
      authentikUrl: n.authentikUrl,
      podLabels: n.outpostPodLabels,
      objectName: n.outpostObjectName,
      postgresSecretName: postgresSecret,
      protocolProviders: [apps[0].provider.id],
    });

    new TraefikIngress(this, "ingress-outpost", {
      factory: c.ingress,
      name: `${c.namespace}-outpost`,
      namespace: release.namespaceName,
      host: this.names.authentikHost,
      path: "/outpost.goauthentik.io",
      backend: { service: this.outpost.serviceName, port: c.outpost.ports.http },
      tlsSecretName: base.tlsSecretName,
      homepage: { name: "authentik outpost", icon: "authentikoutpost.png" },
      address: {
        ingress: "authentik_outpost",
        ingressMovedFrom: "module.authentik.module.ingress-outpost.kubernetes_ingress_v1.proxied-ingress",
      },
    });

    this.alerts = new AlertRules(this, "alerts", { groups: buildAlertGroups(c) });

    const identity = props.identity ?? c.identity;
    const problems = identityProblems(identity);
    if (problems.length) throw new Error(problems.join("\n"));
    // a fresh authentik already holds the default login stage and the embedded outpost: adopted, not created
    const adoptable = new Map<string, TerraformResource>([login.stage, this.outpost.outpost].map((r) => [`${r.terraformResourceType}.${r.friendlyUniqueId}`, r]));
    this.identity = new IdentityLayer(this, "identity", { identity, imports: props.imports ?? readImports(root), adoptable });
  }
}
