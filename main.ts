/**
 * The CDKTF app: one stack, `authentik`, from the typed config (defaults = today's live values).
 * An operator override file can be named by AUTHENTIK_STACK_CONFIG (JSON, partial StackConfig).
 * Synth-time guards run through the stack's validations: an error finding fails the synth.
 */
import * as fs from "fs";
import { App } from "cdktf";
import { ConfigError, loadConfig, DeepPartial, StackConfig } from "./lib/config";
import { AuthentikStack } from "./constructs/authentik-stack";
import { attachGuards } from "./guards/aspect";

export function readOverrides(env: NodeJS.ProcessEnv = process.env): DeepPartial<StackConfig> {
  const file = env.AUTHENTIK_STACK_CONFIG;
  if (!file) return {};
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new ConfigError([
      `AUTHENTIK_STACK_CONFIG=${file}: ${(e as Error).message.split("\n")[0]}; allowed: a readable JSON file holding a partial stack config, e.g. {"catchAll": {"accessTokenValidity": "weeks=2"}}`,
    ]);
  }
}

export interface BuildOptions {
  /** Run the guards at synth time. @default true (the benchmark measures their cost by turning them off) */
  readonly guards?: boolean;
}

export function buildApp(outdir?: string, overrides: DeepPartial<StackConfig> = readOverrides(), opts: BuildOptions = {}): { app: App; stack: AuthentikStack } {
  // validate before creating the App: App() creates the output folder, and bad input writes nothing
  const config = loadConfig(overrides);
  const app = new App({ outdir, skipValidation: false });
  const stack = new AuthentikStack(app, { config });
  if (opts.guards !== false) attachGuards(stack);
  return { app, stack };
}

if (require.main === module) {
  buildApp().app.synth();
}
