/**
 * Builds the CDKTF app: one stack, `authentik`, from the typed config (defaults = today's live values,
 * overrides from the file AUTHENTIK_STACK_CONFIG names), with the guards attached as a synth-time
 * validation. The entry point (main.ts) and the CLI both build the app through this module; nothing
 * imports main.ts.
 *
 * Synthesis is atomic: the app synthesizes into a private staging folder inside the output folder and
 * renames each file into place only after the whole synth succeeded (cdk.tf.json first, manifest.json
 * last), so a failed synth (a guard error, a full disk) leaves the previous output intact.
 */
import * as fs from "fs";
import * as path from "path";
import { App } from "cdktf";
import { DeepPartial, StackConfig, loadConfig, readOverrides } from "./config";
import { AuthentikStack } from "./constructs/authentik-stack";
import { attachGuards } from "./guards/synth-validation";

export interface BuildOptions {
  /** Run the guards at synth time. @default true (the benchmark measures their cost by turning them off) */
  readonly guards?: boolean;
}

/** Validates the config, then creates the App and the stack (App() creates the output folder: bad input writes nothing). */
export function buildApp(outdir?: string, overrides: DeepPartial<StackConfig> = readOverrides(), opts: BuildOptions = {}): { app: App; stack: AuthentikStack } {
  const config = loadConfig(overrides);
  const app = new App({ outdir, skipValidation: false, stackTraces: false });
  stageSynth(app);
  const stack = new AuthentikStack(app, { config });
  if (opts.guards !== false) attachGuards(stack, { config });
  return { app, stack };
}

/** Makes app.synth() write into a staging folder and publish by rename only when it succeeded. */
function stageSynth(app: App): void {
  const synth = app.synth.bind(app);
  const mutable = app as unknown as { outdir: string; manifest: { outdir: string } };
  app.synth = () => {
    const final = app.outdir;
    const staging = fs.mkdtempSync(path.join(final, ".synth-"));
    fs.mkdirSync(path.join(staging, "stacks"));
    mutable.outdir = staging;
    mutable.manifest.outdir = staging;
    try {
      synth();
      refuseErrorAnnotations(staging);
      publish(staging, final);
    } finally {
      mutable.outdir = final;
      mutable.manifest.outdir = final;
      fs.rmSync(staging, { recursive: true, force: true });
    }
  };
}

/**
 * Under `cdktf synth` (CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS) cdktf writes the stack even with ERROR
 * annotations and fails afterwards; here an ERROR annotation (a guard error) fails the synth before
 * anything is published, as plain `npm run synth` does.
 */
function refuseErrorAnnotations(staging: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(staging, "manifest.json"), "utf8"));
  const errors = Object.values<any>(manifest.stacks ?? {}).flatMap((s) => (s.annotations ?? []).filter((a: any) => a.level === "@cdktf/error").map((a: any) => `[${a.constructPath}] ${a.message}`));
  if (errors.length) throw new Error(`Encountered Annotations with level "ERROR":\n${errors.join("\n")}`);
}

/** Renames every file of `from` into the same place under `to`; manifest.json last (it says what is there). */
function publish(from: string, to: string): void {
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(from, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else files.push(r);
    }
  };
  walk("");
  files.sort((a, b) => Number(a === "manifest.json") - Number(b === "manifest.json"));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(to, f)), { recursive: true });
    fs.renameSync(path.join(from, f), path.join(to, f));
  }
}
