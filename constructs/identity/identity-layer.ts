/**
 * The identity layer: groups, the invitation enrollment flow, its policies, and the lookups of what the
 * stack references but never manages (social sources and the passkey flow: they hold client secrets or
 * belong to other flows). Live objects are taken over through `import` blocks from the adoption file.
 */
import { Construct } from "constructs";
import { TerraformResource, TerraformStack } from "cdktf";
import { DataAuthentikSource } from "../../.gen/providers/authentik/data-authentik-source";
import { DataAuthentikFlow } from "../../.gen/providers/authentik/data-authentik-flow";
import { IdentityConfig } from "../../config/identity";
import { pinDataAddress } from "../../lib/state-address";
import { IdentityGroups } from "./groups";
import { EnrollmentFlow } from "./enrollment-flow";
import { BruteForcePolicy, GroupAssignmentPolicy } from "./policies";

export interface IdentityLayerProps {
  /** The validated identity config (config/identity.ts). @default - required */
  readonly identity: IdentityConfig;
  /** Live objects to import: Terraform address -> import id (the adoption file). @default - none */
  readonly imports?: Readonly<Record<string, string>>;
  /** Stack resources outside the layer a fresh authentik already holds (login stage, embedded outpost), by address. @default - none */
  readonly adoptable?: ReadonlyMap<string, TerraformResource>;
}

export class IdentityLayer extends Construct {
  readonly groups: IdentityGroups;
  readonly enrollment: EnrollmentFlow;
  /** Every resource of the layer, by Terraform address. @default - required */
  readonly resources: ReadonlyMap<string, TerraformResource>;

  constructor(scope: Construct, id: string, props: IdentityLayerProps) {
    super(scope, id);
    const c = props.identity;
    const s = c.enrollment.stages;
    this.groups = new IdentityGroups(this, "groups", { groups: c.groups });

    const sources = s.identification.sourceSlugs.map((slug) =>
      pinDataAddress(new DataAuthentikSource(this, `source-${slug}`, { slug }), slug.replace(/[^a-z0-9_]/gi, "_").toLowerCase()),
    );
    const passkeyFlow = pinDataAddress(
      new DataAuthentikFlow(this, "passkey-flow", { slug: s.identification.passwordlessFlowSlug }),
      s.identification.passwordlessFlowSlug.replace(/[^a-z0-9_]/gi, "_").toLowerCase(),
    );

    this.enrollment = new EnrollmentFlow(this, "enrollment", {
      flow: c.enrollment.flow,
      stages: s,
      bindings: c.enrollment.bindings,
      userWriteGroupId: this.groups.group(s.userWrite.groupName).id,
      sourceIds: sources.map((x) => x.id),
      passwordlessFlowId: passkeyFlow.id,
    });
    new GroupAssignmentPolicy(this, "group-assignment", {
      policy: c.groupAssignmentPolicy,
      targetGroups: c.invitationTargetGroups,
      stageBindingId: this.enrollment.bindings[c.groupAssignmentPolicy.boundToStage].id,
    });
    new BruteForcePolicy(this, "brute-force", { policy: c.bruteForcePolicy });

    const resources = new Map<string, TerraformResource>();
    for (const node of this.node.findAll()) {
      if (node instanceof TerraformResource) resources.set(`${node.terraformResourceType}.${node.friendlyUniqueId}`, node);
    }
    this.resources = resources;
    this.addImports(props.imports ?? {}, new Map([...resources, ...(props.adoptable ?? [])]));
  }

  /** `import` blocks for adopted objects; an address the layer doesn't declare is refused. */
  private addImports(imports: Readonly<Record<string, string>>, adoptable: ReadonlyMap<string, TerraformResource>): void {
    const blocks: Array<{ to: string; id: string }> = [];
    for (const [to, id] of Object.entries(imports)) {
      if (!adoptable.has(to)) {
        throw new Error(`adoption: ${to} is not a resource the stack adopts (the identity layer, the default login stage, the embedded outpost); allowed: ${[...adoptable.keys()].join(", ")}. Fix: rerun \`npx authentik-stack adopt\` (the config may have renamed it).`);
      }
      blocks.push({ to, id });
    }
    if (blocks.length) TerraformStack.of(this).addOverride("import", blocks);
  }
}
