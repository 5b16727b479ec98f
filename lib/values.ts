/**
 * Parsed Helm values: the parts of the chart values this stack reads (pure; reading the file is
 * config/values-file.ts).
 */
import { parse } from "yaml";

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
}

/** The parts of the chart values this stack reads. The rest stays untyped in `raw`. */
export interface AuthentikValues {
  readonly raw: Record<string, unknown>;
  /** authentik.existingSecret.secretName: the Secret the pods (and the outpost env patch) read. */
  readonly existingSecretName?: string;
  readonly serverEnv: readonly EnvVar[];
  readonly workerEnv: readonly EnvVar[];
}

function envList(v: unknown): EnvVar[] {
  return Array.isArray(v) ? v.filter((e) => e && typeof e === "object" && typeof e.name === "string") : [];
}

export function parseValues(text: string, source = "values"): AuthentikValues {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new Error(`${source}: not valid YAML: ${(e as Error).message.split("\n")[0]}. Fix: make it the Helm values document the release sends (check it with \`helm template\` or a YAML linter).`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new Error(`${source}: the top level is ${raw === null ? "empty" : Array.isArray(raw) ? "a list" : typeof raw}; allowed: a YAML mapping of chart values (authentik:, server:, worker:, ...).`);
  }
  const r = raw as Record<string, any>;
  const secretName = r.authentik?.existingSecret?.secretName;
  return {
    raw: r,
    existingSecretName: typeof secretName === "string" && secretName !== "" ? secretName : undefined,
    serverEnv: envList(r.server?.env),
    workerEnv: envList(r.worker?.env),
  };
}

/** Every leaf key path the values set, dotted (`server.pdb.enabled`); lists and maps of free keys end the path. */
export function valueKeyPaths(v: unknown, prefix = ""): string[] {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return prefix ? [prefix] : [];
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return prefix ? [prefix] : [];
  return entries.flatMap(([k, child]) => valueKeyPaths(child, prefix ? `${prefix}.${k}` : k));
}
