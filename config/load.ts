/** Loading the config: today's live defaults, merged with the operator's override file, validated. */
import * as fs from "fs";
import { DeepPartial, StackConfig } from "./stack-config";
import { DEFAULT_CONFIG } from "./defaults";
import { ConfigError, configProblems } from "./validate";
import { CONFIG_SCHEMA, SchemaNode } from "./schema";
import { describeJson, parseJsonText } from "../lib/json-input";
import { InputError } from "../lib/errors";

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
/** Sets an own property, even for "__proto__" (never the prototype), so validation can name and refuse it. */
const put = (o: Record<string, unknown>, k: string, v: unknown) => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });

/**
 * Overrides over the defaults, following the schema: objects merge field by field, map entries (quota)
 * replace or add, a list replaces the default list and each of its entries gets the entry defaults.
 * Anything of the wrong shape (null, a list for a string, an unknown key) is carried over as is, for the
 * validation to name.
 */
function merge(base: unknown, over: unknown, node: SchemaNode): unknown {
  if (over === undefined) return base;
  if (node.kind === "object" || node.kind === "map") {
    if (!isObj(over) || !isObj(base)) return over;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(base)) put(out, k, base[k]);
    for (const k of Object.keys(over)) {
      const child = node.kind === "object" && own(node.fields, k) ? node.fields[k] : undefined;
      put(out, k, child && own(base, k) ? merge(base[k], over[k], child) : over[k]);
    }
    return out;
  }
  if (node.kind === "array") {
    if (!Array.isArray(over)) return over;
    return over.map((entry) => {
      if (!isObj(entry)) return entry;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node.entryDefaults)) put(out, k, v);
      for (const k of Object.keys(entry)) put(out, k, entry[k]);
      return out;
    });
  }
  return over;
}

/** Defaults merged with overrides, validated. Throws {@link ConfigError} naming every bad field. */
export function loadConfig(overrides: DeepPartial<StackConfig> = {}): StackConfig {
  if (!isObj(overrides)) throw new ConfigError([`config: ${describeJson(overrides)}; allowed: a JSON object holding a partial stack config, e.g. {"catchAll": {"accessTokenValidity": "weeks=2"}}`]);
  const rest: Record<string, unknown> = {};
  for (const k of Object.keys(overrides)) if (k !== "$schema") put(rest, k, (overrides as Record<string, unknown>)[k]);
  const c = merge(DEFAULT_CONFIG, rest, CONFIG_SCHEMA) as StackConfig;
  const problems = configProblems(c);
  if (problems.length) throw new ConfigError(problems);
  return c;
}

/** The override file named by AUTHENTIK_STACK_CONFIG (JSON, partial StackConfig), or no overrides. */
export function readOverrides(env: NodeJS.ProcessEnv = process.env): DeepPartial<StackConfig> {
  const file = env.AUTHENTIK_STACK_CONFIG;
  if (!file) return {};
  const allowed = `allowed: a readable JSON file holding a partial stack config, e.g. {"catchAll": {"accessTokenValidity": "weeks=2"}} (schema: config/override.schema.json)`;
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError([`AUTHENTIK_STACK_CONFIG=${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); ${allowed}`]);
  }
  try {
    return parseJsonText(text, `AUTHENTIK_STACK_CONFIG=${file}`) as DeepPartial<StackConfig>;
  } catch (e) {
    if (e instanceof InputError) throw new ConfigError([`${e.message}; ${allowed}`]);
    throw e;
  }
}
