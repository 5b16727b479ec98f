/**
 * A forward-auth proxy provider and the application that exposes it. The catch-all is the live one;
 * the TTL (access_token_validity) is a validated authentik duration from the config.
 */
import { Construct } from "constructs";
import { Token } from "cdktf";
import { ProviderProxy } from "../.gen/providers/authentik/provider-proxy";
import { Application } from "../.gen/providers/authentik/application";
import { ProxyApplicationConfig } from "../config";
import { pinAddress } from "../lib/state-address";

export interface ProxyApplicationProps {
  /** Names, slug, mode and TTL. @default - required */
  readonly app: ProxyApplicationConfig;
  /** https://authentik.<domain>. @default - required */
  readonly externalHost: string;
  /** Cookie domain (the base domain, for forward_domain). @default - required */
  readonly cookieDomain: string;
  /** Authorization flow id (reference to the flow lookup). @default - required */
  readonly authorizationFlow: string;
  /** Invalidation flow id (reference to the flow lookup). @default - required */
  readonly invalidationFlow: string;
}

export class ProxyApplication extends Construct {
  readonly provider: ProviderProxy;
  readonly application: Application;

  constructor(scope: Construct, id: string, props: ProxyApplicationProps) {
    super(scope, id);
    const a = props.app;
    this.provider = pinAddress(
      new ProviderProxy(this, "provider", {
        name: a.providerName,
        mode: a.mode,
        externalHost: props.externalHost,
        cookieDomain: props.cookieDomain,
        authorizationFlow: props.authorizationFlow,
        invalidationFlow: props.invalidationFlow,
        accessTokenValidity: a.accessTokenValidity,
        lifecycle: {
          // UI-managed relations and settings
          ignoreChanges: [
            "property_mappings", "jwt_federation_sources", "skip_path_regex", "internal_host",
            "basic_auth_enabled", "basic_auth_password_attribute", "basic_auth_username_attribute", "intercept_header_auth",
          ] as any,
        },
      }),
      a.resourceName,
    );
    this.application = pinAddress(
      new Application(this, "application", {
        name: a.applicationName,
        slug: a.slug,
        protocolProvider: Token.asNumber(this.provider.id),
        lifecycle: {
          ignoreChanges: ["meta_description", "meta_launch_url", "meta_icon", "group", "backchannel_providers", "policy_engine_mode", "open_in_new_tab"] as any,
        },
      }),
      a.resourceName,
    );
  }
}
