/**
 * The Helm values file: its exact text (what the release sends and the state compares byte for byte)
 * and the parsed values the guards and derived names read.
 */
import * as fs from "fs";
import * as path from "path";
import { AuthentikValues, parseValues } from "../lib/values";

export interface ValuesFile {
  /** Absolute path it was read from. */
  readonly path: string;
  /** The text, verbatim. */
  readonly text: string;
  readonly values: AuthentikValues;
}

export function readValuesFile(file: string): ValuesFile {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, "utf8");
  } catch (e) {
    throw new Error(
      `config.release.valuesFile: cannot read ${JSON.stringify(file)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); ` +
        `allowed: a readable Helm values file, absolute or relative to the repo root. Fix: point release.valuesFile at it (default values/authentik.yaml).`,
    );
  }
  return { path: abs, text, values: parseValues(text, file) };
}
