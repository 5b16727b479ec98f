/** Read helpers over a synthesized stack's JSON, shared by the guards. */
import { GuardContext, StackJson } from "../types";
import { AuthentikValues, parseValues } from "../../lib/values";
import { OUTPUTS } from "../../config";
import { parse } from "yaml";
import { unescapeTemplate } from "../../lib/tf-json";

export interface ResourceRef<T = any> {
  readonly type: string;
  readonly name: string;
  readonly address: string;
  readonly values: T;
}

export function resourcesOf<T = any>(stack: StackJson, type: string): ResourceRef<T>[] {
  return Object.entries(stack.resource?.[type] ?? {}).map(([name, values]) => ({ type, name, address: `${type}.${name}`, values }));
}

/** A nested block as synthesized: cdktf writes single blocks as objects, Terraform shows lists; accept both. */
export function block<T = any>(v: unknown): T | undefined {
  if (Array.isArray(v)) return v[0];
  return (v ?? undefined) as T | undefined;
}

export function blocks<T = any>(v: unknown): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v as T];
}

/** The outpost records with their config parsed (config undefined when it is not JSON text). */
export function outposts(stack: StackJson): Array<ResourceRef & { config?: any; configError?: string }> {
  return resourcesOf(stack, "authentik_outpost").map((r) => {
    const text = r.values.config;
    if (typeof text !== "string") return { ...r, configError: "config is not set" };
    if (text.includes("${")) return { ...r, configError: "config is a Terraform expression, not JSON text the guards can read" };
    try {
      return { ...r, config: JSON.parse(text) };
    } catch (e) {
      return { ...r, configError: `config is not valid JSON: ${(e as Error).message}` };
    }
  });
}

/** Resolves `${local.x}` / `${sensitive(local.x)}` to the local's literal value. */
export function resolveLocalText(stack: StackJson, expr: unknown): string | undefined {
  if (typeof expr !== "string") return undefined;
  const m = /^\$\{(?:sensitive\()?local\.([A-Za-z0-9_-]+)\)?\}$/.exec(expr);
  if (!m) return expr.includes("${") ? undefined : expr;
  const v = stack.locals?.[m[1]];
  return typeof v === "string" ? unescapeTemplate(v) : undefined;
}

export interface HelmValues {
  readonly address: string;
  readonly chartVersion?: string;
  readonly text?: string;
  readonly values?: AuthentikValues;
  readonly error?: string;
}

/** The stack's helm releases' values (first values document), parsed. The stack has one: goauthentik. */
export function helmValues(ctx: GuardContext): HelmValues[] {
  return resourcesOf(ctx.stack, "helm_release")
    .map((r) => {
      const text = resolveLocalText(ctx.stack, (r.values.values ?? [])[0]);
      if (text === undefined) return { address: r.address, chartVersion: r.values.version, error: "values[0] is not literal text the guards can read" };
      try {
        return { address: r.address, chartVersion: r.values.version, text, values: parseValues(text, `${r.address}.values[0]`) };
      } catch (e) {
        return { address: r.address, chartVersion: r.values.version, text, error: (e as Error).message };
      }
    });
}

/** The alert rule groups published by the stack (output alerting_rules_yaml), if any. */
export function alertGroups(stack: StackJson): any[] | undefined {
  const value: unknown = stack.output?.[OUTPUTS.alertRules]?.value;
  let doc: any;
  try {
    doc = parse(unescapeTemplate(value as string));
  } catch {
    // no text (unescapeTemplate throws on anything but a string), or text that is not YAML: no groups
  }
  return doc?.groups;
}

/** Whether a string is (or contains) a Terraform reference rather than a literal. */
export function isReference(v: unknown): boolean {
  return typeof v === "string" && v.includes("${");
}
