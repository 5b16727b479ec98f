/**
 * State addresses are part of the contract with the live state: a resource whose address changes is
 * destroyed and recreated unless a `moved` block says where it went. Every resource in this stack
 * gets an explicit address through {@link pinAddress}; construct ids never leak into addresses.
 *
 * `moved` blocks are written directly (a top-level "moved" list) rather than through cdktf's
 * moveFromId(): that one adds a validation which runs `terraform version` on every synth, making
 * synth slower and impossible on a machine without terraform. The stack declares
 * required_version >= 1.5.0 (moved blocks across modules) instead.
 */
import { TerraformResource, TerraformDataSource, TerraformStack } from "cdktf";

const moves = new WeakMap<TerraformStack, Array<{ from: string; to: string }>>();
/** Addresses pinned so far, per stack: two resources at one address would silently become one. */
const pinned = new WeakMap<TerraformStack, Set<string>>();

/**
 * Gives a resource the root address `<type>.<name>` and, when it lived elsewhere in the HCL stack's
 * state (inside a module), emits `moved { from = <previous>, to = <type>.<name> }`.
 */
export function pinAddress<T extends TerraformResource>(resource: T, name: string, previousAddress?: string): T {
  const to = `${resource.terraformResourceType}.${name}`;
  const stack = TerraformStack.of(resource);
  const taken = pinned.get(stack) ?? new Set<string>();
  if (taken.has(to)) throw new Error(`${to}: a second resource pinned to this state address (${resource.node.path}); only one of them would be synthesized, silently. Fix: give each resource its own name.`);
  taken.add(to);
  pinned.set(stack, taken);
  resource.overrideLogicalId(name);
  if (previousAddress && previousAddress !== to) {
    const list = moves.get(stack) ?? [];
    const earlier = list.find((m) => m.from === previousAddress);
    if (earlier) {
      throw new Error(`moved: ${previousAddress} is moved twice, to ${earlier.to} and to ${to}; a state address can move to one place only. Fix: give only one resource that previous address.`);
    }
    list.push({ from: previousAddress, to });
    moves.set(stack, list);
    stack.addOverride("moved", list);
  }
  return resource;
}

/** Gives a data source the address `data.<type>.<name>`. */
export function pinDataAddress<T extends TerraformDataSource>(data: T, name: string): T {
  data.overrideLogicalId(name);
  return data;
}

/** The HCL stack put these resources inside `module.authentik`; this is their old address. */
export function inAuthentikModule(address: string): string {
  return `module.authentik.${address}`;
}
