/**
 * State addresses are part of the contract with the live state: a resource whose address changes is
 * destroyed and recreated unless a `moved` block says where it went. Every resource in this stack
 * gets an explicit address through {@link pinAddress}; construct ids never leak into addresses.
 */
import { TerraformResource, TerraformDataSource } from "cdktf";

/**
 * Gives a resource the root address `<type>.<name>` and, when it lived elsewhere in the HCL stack's
 * state (inside a module), emits `moved { from = <previous>, to = <type>.<name> }`.
 */
export function pinAddress<T extends TerraformResource>(resource: T, name: string, previousAddress?: string): T {
  resource.overrideLogicalId(name);
  if (previousAddress && previousAddress !== `${resource.terraformResourceType}.${name}`) {
    resource.moveFromId(previousAddress);
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
