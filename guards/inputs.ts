/** Loads the files guards read (the committed provider schema, the chart facts) from the repo. */
import * as fs from "fs";
import * as path from "path";
import { ChartFacts } from "../model/chart-facts";
import { GuardInputs } from "./types";

/** The chart facts file for a chart version: model/charts/<version>.json (written by `npm run chart-facts`). */
export function chartFactsPath(rootDir: string, version: string): string {
  return path.join(rootDir, "model", "charts", `${version}.json`);
}

export function loadGuardInputs(rootDir: string, chartVersions: readonly string[]): GuardInputs {
  const schemaFile = path.join(rootDir, "schemas", "authentik.json");
  const authentikSchema = fs.existsSync(schemaFile) ? JSON.parse(fs.readFileSync(schemaFile, "utf8")) : undefined;
  const chartFacts = new Map<string, ChartFacts>();
  for (const v of chartVersions) {
    // a version string from the stack JSON is only ever a file name here, never a path
    if (!/^[0-9A-Za-z.+-]+$/.test(v)) continue;
    const file = chartFactsPath(rootDir, v);
    if (fs.existsSync(file)) chartFacts.set(v, JSON.parse(fs.readFileSync(file, "utf8")));
  }
  return { authentikSchema, chartFacts };
}

/** Chart versions of the stack's helm releases, to know which chart facts to load. */
export function chartVersionsIn(stack: { resource?: Record<string, Record<string, any>> }): string[] {
  return Object.values(stack.resource?.helm_release ?? {}).map((r) => String(r.version));
}
