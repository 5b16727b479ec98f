/** The default login stage: authenticated session lifetime (session_duration). */
import { Construct } from "constructs";
import { StageUserLogin } from "../.gen/providers/authentik/stage-user-login";
import { pinAddress } from "../lib/state-address";
import { DEFAULT_LOGIN_STAGE_RESOURCE } from "../config/facts";

export interface LoginStageProps {
  /** Stage name (it exists already; Terraform manages its session_duration). @default - required */
  readonly name: string;
  /** Authenticated session lifetime, authentik duration. @default - required */
  readonly sessionDuration: string;
}

export class LoginStage extends Construct {
  readonly stage: StageUserLogin;
  constructor(scope: Construct, id: string, props: LoginStageProps) {
    super(scope, id);
    this.stage = pinAddress(
      new StageUserLogin(this, "stage", {
        name: props.name,
        sessionDuration: props.sessionDuration,
        // remember_me_offset and the rest stay UI-managed
        lifecycle: { ignoreChanges: ["remember_me_offset", "terminate_other_sessions", "geoip_binding", "network_binding"] as any },
      }),
      DEFAULT_LOGIN_STAGE_RESOURCE,
    );
  }
}
