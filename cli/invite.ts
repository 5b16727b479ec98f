/**
 * `authentik-stack invite create|list|revoke|assign`: invitations to the invitation-enrollment flow and
 * manual group assignment (the seed's authentik-invite.sh), on authentik's API client.
 */
import { loadConfig, readOverrides, deriveNames } from "../config";
import { IdentityConfig } from "../config/identity";
import { assignGroup, createInvitation, listInvitations, parseDays, revokeInvitation } from "../engine/invite";
import { AuthentikClient, authentikClient, resolveToken } from "../io/authentik-client";
import { EXIT } from "./exit-codes";
import { CommandContext, CommandSpec, UsageError } from "./framework";

/** The API client and the identity layer it works on (config.identity: the override file's, if any). */
async function connected(): Promise<[AuthentikClient, IdentityConfig]> {
  const config = loadConfig(readOverrides());
  const url = process.env.AUTHENTIK_URL ?? deriveNames(config).authentikUrl;
  const token = await resolveToken({ env: process.env, vault: { address: config.vault.address, mount: config.vault.mount, path: config.vault.authentikPath } });
  return [authentikClient({ url, token }), config.identity];
}

const ENV: CommandSpec["env"] = [
  ["AUTHENTIK_URL", "authentik's base URL (default: the stack's https://authentik.<domain>)"],
  ["AUTHENTIK_TOKEN", "API token (default: Vault <mount>/<authentikPath>#tf_api_token); never printed"],
  ["VAULT_ADDR, VAULT_TOKEN", "Vault, when AUTHENTIK_TOKEN is unset (or ~/.vault-token)"],
  ["AUTHENTIK_STACK_CONFIG", "config override file (identity.invitationTargetGroups, identity.groups, the enrollment flow's slug)"],
];
const JSON_OPT = { json: { type: "boolean" as const, help: "print the result as JSON" } };
const EXITS = { 0: "done", 1: "(not used)", 2: "refused: bad argument, unknown group, user or invitation, expired invitation; nothing changed", 3: "could not run (no token, authentik unreachable or refusing the token, deadline)" } as const;

function args(ctx: CommandContext, n: number, usage: string): string[] {
  if (ctx.positionals.length !== n) throw new UsageError(`expected ${usage}, got ${ctx.positionals.length} argument(s). Fix: authentik-stack invite ${usage}`);
  return [...ctx.positionals];
}

const create: CommandSpec = {
  name: "create",
  summary: "create an invitation to a group and print its link",
  description: "Creates an invitation to the invitation-enrollment flow whose fixed_data.group names GROUP (one of\nidentity.invitationTargetGroups); the assignment policy adds the new user to it. Single-use unless --multi-use.",
  options: {
    days: { type: "string", value: "N", help: "expire after N days (1-365; default: no expiry)" },
    "single-use": { type: "boolean", help: "deleted by authentik once used (the default)" },
    "multi-use": { type: "boolean", help: "usable more than once" },
    ...JSON_OPT,
  },
  positionals: { usage: "<group>", min: 1, max: 1, help: ["group  the group the invitation grants, e.g. 'Headscale Users'"] },
  exitCodes: EXITS,
  env: ENV,
  examples: ['authentik-stack invite create "Headscale Users"', 'authentik-stack invite create "Wrongmove Users" --days 7'],
  async run(ctx) {
    const [group] = args(ctx, 1, "create <group>");
    const days = parseDays(ctx.str("days"));
    if (ctx.flag("single-use") && ctx.flag("multi-use")) throw new UsageError("--single-use and --multi-use exclude each other. Fix: give one of them");
    const inv = await createInvitation(...(await connected()), { group, days, singleUse: !ctx.flag("multi-use") });
    if (ctx.json) ctx.out(JSON.stringify(inv, null, 2));
    else {
      ctx.out(inv.link);
      ctx.out(`  ${inv.use} invitation ${inv.id} to '${inv.group}', ${inv.expires ? `expires ${inv.expires}` : "no expiry"}`);
    }
    return EXIT.ok;
  },
};

const list: CommandSpec = {
  name: "list",
  summary: "list pending invitations (group, expiry, use)",
  description: "Lists the invitations to the invitation-enrollment flow that have not expired.",
  options: { ...JSON_OPT },
  exitCodes: EXITS,
  env: ENV,
  async run(ctx) {
    args(ctx, 0, "list");
    const items = await listInvitations(...(await connected()));
    if (ctx.json) ctx.out(JSON.stringify({ invitations: items }, null, 2));
    else if (!items.length) ctx.out("no pending invitations");
    else for (const i of items) ctx.out(`${i.id}  ${(i.group ?? "(no group)").padEnd(20)}  ${(i.expires ?? "no expiry").padEnd(24)}  ${i.use}`);
    return EXIT.ok;
  },
};

const revoke: CommandSpec = {
  name: "revoke",
  summary: "delete a pending invitation",
  description: "Deletes the invitation with this id (from `invite list`); its link stops working.",
  options: { ...JSON_OPT },
  positionals: { usage: "<id>", min: 1, max: 1, help: ["id  the invitation's UUID"] },
  exitCodes: EXITS,
  env: ENV,
  async run(ctx) {
    const [id] = args(ctx, 1, "revoke <id>");
    const inv = await revokeInvitation(...(await connected()), id);
    if (ctx.json) ctx.out(JSON.stringify({ revoked: inv }, null, 2));
    else ctx.out(`revoked invitation ${inv.id} to '${inv.group}'`);
    return EXIT.ok;
  },
};

const assign: CommandSpec = {
  name: "assign",
  summary: "add an enrolled user to a group",
  description: "Adds USERNAME to GROUP (a group of the stack) after enrollment.",
  options: { ...JSON_OPT },
  positionals: { usage: "<username> <group>", min: 2, max: 2, help: ["username  the user's authentik username", "group     a group of the stack"] },
  exitCodes: EXITS,
  env: ENV,
  async run(ctx) {
    const [username, group] = args(ctx, 2, "assign <username> <group>");
    const r = await assignGroup(...(await connected()), username, group);
    if (ctx.json) ctx.out(JSON.stringify(r, null, 2));
    else ctx.out(`added '${r.username}' to '${r.group}'`);
    return EXIT.ok;
  },
};

export const command: CommandSpec = {
  name: "invite",
  summary: "invitations to the invitation-enrollment flow, and group assignment",
  description: "Create, list and revoke invitations to the invitation-enrollment flow; add enrolled users to groups.",
  options: {},
  subcommands: { create, list, revoke, assign },
  env: ENV,
};
