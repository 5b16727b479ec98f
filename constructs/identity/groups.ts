/**
 * The authentik groups of the identity layer, parents resolved by name. Members are never managed:
 * users hold people's data, so `users` is left to authentik (the provider reads and keeps them).
 */
import { Construct } from "constructs";
import { Group } from "../../.gen/providers/authentik/group";
import { pinAddress } from "../../lib/state-address";

/** One group as the construct needs it. */
export interface GroupProps {
  /** Resource name: the address is `authentik_group.<key>`. @default - required */
  readonly key: string;
  /** Group name in authentik. @default - required */
  readonly name: string;
  /** Parent group's name (one of the other groups). @default - a top-level group */
  readonly parent?: string;
  /** Members are superusers. @default - required */
  readonly isSuperuser: boolean;
}

export interface IdentityGroupsProps {
  /** The groups, in any order; parents must be among them. @default - required */
  readonly groups: readonly GroupProps[];
}

export class IdentityGroups extends Construct {
  private readonly byName = new Map<string, Group>();

  constructor(scope: Construct, id: string, props: IdentityGroupsProps) {
    super(scope, id);
    const specs = new Map(props.groups.map((g) => [g.name, g]));
    const make = (g: GroupProps, path: string[] = []): Group => {
      const made = this.byName.get(g.name);
      if (made) return made;
      if (path.includes(g.name)) throw new Error(`identity.groups: '${g.name}' is its own ancestor (${[...path, g.name].join(" -> ")}); allowed: a tree. Fix: break the cycle.`);
      const parentSpec = g.parent === undefined ? undefined : specs.get(g.parent);
      if (g.parent !== undefined && !parentSpec) throw new Error(`identity.groups: parent '${g.parent}' of '${g.name}' is not a group of the stack. Fix: add it or correct the name.`);
      const parent = parentSpec ? make(parentSpec, [...path, g.name]) : undefined;
      const group = pinAddress(
        new Group(this, g.key, {
          name: g.name,
          isSuperuser: g.isSuperuser,
          parents: parent ? [parent.id] : undefined,
          attributes: "{}",
          // members are people's data, managed in authentik (enrollment, `invite assign`), never here
          lifecycle: { ignoreChanges: ["users"] as any },
        }),
        g.key,
      );
      this.byName.set(g.name, group);
      return group;
    };
    for (const g of props.groups) make(g);
  }

  /** The group resource of a name (throws naming the known groups when absent). */
  group(name: string): Group {
    const g = this.byName.get(name);
    if (!g) throw new Error(`identity: group '${name}' is not a group of the stack; allowed: ${[...this.byName.keys()].join(", ")}. Fix: add it under identity.groups.`);
    return g;
  }
}
