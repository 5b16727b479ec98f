/** Read helpers for the identity guards (AK011-AK015): Terraform references between goauthentik objects. */
import { StackJson } from "../types";

/** A reference `${[data.]type.name.attr}` as a whole value, parsed; undefined for literals and expressions. */
export interface Ref {
  readonly data: boolean;
  readonly type: string;
  readonly name: string;
  readonly attr: string;
  /** `type.name` (or `data.type.name`). */
  readonly address: string;
}

const REF = /^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/;

export function refOf(v: unknown): Ref | undefined {
  if (typeof v !== "string") return undefined;
  const m = REF.exec(v);
  if (!m) return undefined;
  const [, data, type, name, attr] = m;
  return { data: !!data, type, name, attr, address: `${data ? "data." : ""}${type}.${name}` };
}

/** Whether a reference points at a resource the stack declares. */
export function declared(stack: StackJson, r: Ref): boolean {
  const pool = r.data ? stack.data : stack.resource;
  return !!pool?.[r.type]?.[r.name];
}

/** How a value reads in a finding: the reference's address, or the literal. */
export function describe(v: unknown): string {
  const r = refOf(v);
  return r ? r.address : v === undefined ? "unset" : JSON.stringify(v);
}
