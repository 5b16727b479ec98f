/**
 * Builds the CDKTF app: one stack, `authentik`, from the typed config (defaults = today's live values,
 * overrides from the file AUTHENTIK_STACK_CONFIG names), with the guards attached as a synth-time
 * validation. The entry point (main.ts) and the CLI both build the app through this module; nothing
 * imports main.ts.
 */
import { App } from "cdktf";
import { DeepPartial, StackConfig, loadConfig, readOverrides } from "./config";
import { AuthentikStack } from "./constructs/authentik-stack";
import { attachGuards } from "./guards/aspect";

export interface BuildOptions {
  /** Run the guards at synth time. @default true (the benchmark measures their cost by turning them off) */
  readonly guards?: boolean;
}

/** Validates the config, then creates the App and the stack (App() creates the output folder: bad input writes nothing). */
export function buildApp(outdir?: string, overrides: DeepPartial<StackConfig> = readOverrides(), opts: BuildOptions = {}): { app: App; stack: AuthentikStack } {
  const config = loadConfig(overrides);
  const app = new App({ outdir, skipValidation: false });
  const stack = new AuthentikStack(app, { config });
  if (opts.guards !== false) attachGuards(stack);
  return { app, stack };
}
