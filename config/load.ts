/** Loading the config: today's live defaults, merged with the operator's override file, validated. */
import * as fs from "fs";
import { DeepPartial, StackConfig } from "./stack-config";
import { DEFAULT_CONFIG } from "./defaults";
import { ConfigError, configProblems } from "./validate";

function merge<T>(base: T, over: unknown, path: string): T {
  if (over === undefined) return base;
  if (Array.isArray(base) || base === null || typeof base !== "object") return over as T;
  if (over === null || typeof over !== "object" || Array.isArray(over)) {
    throw new ConfigError([`config.${path}: expected an object, got ${JSON.stringify(over)}`]);
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    if (!(k in out)) {
      // quota keys are free-form; everything else is a closed set
      if (path !== "quota") throw new ConfigError([`config.${path ? path + "." : ""}${k}: unknown setting; allowed: ${Object.keys(out).join(", ")}`]);
      out[k] = v;
      continue;
    }
    out[k] = merge(out[k], v, path ? `${path}.${k}` : k);
  }
  return out as T;
}

/** Defaults merged with overrides, validated. Throws {@link ConfigError} naming every bad field. */
export function loadConfig(overrides: DeepPartial<StackConfig> = {}): StackConfig {
  const c = merge(DEFAULT_CONFIG, overrides, "");
  const problems = configProblems(c);
  if (problems.length) throw new ConfigError(problems);
  return c;
}

/** The override file named by AUTHENTIK_STACK_CONFIG (JSON, partial StackConfig), or no overrides. */
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
