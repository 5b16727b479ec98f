/** Loads the files guards read (the committed provider schema, the chart key lists) from the repo. */
import * as fs from "fs";
import * as path from "path";
import { GuardInputs } from "./types";

/** The chart key list for a chart version: values/chart-<version>-keys.tsv (key<TAB>type). */
export function chartKeysPath(rootDir: string, version: string): string {
  return path.join(rootDir, "values", `chart-${version}-keys.tsv`);
}

/** Parses a key list; map and list keys also get a "<key>/" entry meaning "free-form below here". */
export function parseChartKeys(text: string): Set<string> {
  const keys = new Set<string>();
  for (const line of text.split("\n")) {
    const [key, type = ""] = line.trim().split("\t");
    if (!key || key.startsWith("#")) continue;
    keys.add(key);
    if (/^(map|list|null)/.test(type)) keys.add(`${key}/`);
  }
  return keys;
}

export function loadGuardInputs(rootDir: string, chartVersions: readonly string[]): GuardInputs {
  const schemaFile = path.join(rootDir, "schemas", "authentik.json");
  const authentikSchema = fs.existsSync(schemaFile) ? JSON.parse(fs.readFileSync(schemaFile, "utf8")) : undefined;
  const chartKeys = new Map<string, Set<string>>();
  for (const v of chartVersions) {
    const file = chartKeysPath(rootDir, v);
    if (fs.existsSync(file)) chartKeys.set(v, parseChartKeys(fs.readFileSync(file, "utf8")));
  }
  return { authentikSchema, chartKeys };
}

/** Chart versions of the stack's helm releases, to know which key lists to load. */
export function chartVersionsIn(stack: { resource?: Record<string, Record<string, any>> }): string[] {
  return Object.values(stack.resource?.helm_release ?? {}).map((r) => String(r.version));
}
