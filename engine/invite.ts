/**
 * invite: invitations to the invitation-enrollment flow and manual group assignment, through the
 * authentik API (no argument parsing or output here: cli/invite.ts). Refusals are InputErrors (exit 2)
 * and change nothing: a group that is not one invitations may target, an invalid number of days, an
 * unknown, used (authentik deletes single-use invitations once used) or expired invitation.
 */
import { randomBytes } from "crypto";
import { IdentityConfig } from "../config/identity";
import { AuthentikClient, ResponseError, call } from "../io/authentik-client";
import { InputError } from "../lib/errors";

export interface InvitationView {
  readonly id: string;
  readonly name: string;
  /** The group `fixed_data.group` names (what the assignment policy grants). */
  readonly group: string | null;
  /** ISO time, or null for no expiry. */
  readonly expires: string | null;
  /** "single-use" (deleted by authentik once used) or "multi-use". */
  readonly use: "single-use" | "multi-use";
  readonly link: string;
}

export const MAX_DAYS = 365;

/** Validates --days: a whole number of days from 1 to 365. */
export function parseDays(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_DAYS) {
    throw new InputError(`--days ${JSON.stringify(text)}: not a whole number of days from 1 to ${MAX_DAYS}. Fix: e.g. --days 7, or leave it out for no expiry`);
  }
  return Number(text);
}

/** The group an invitation may target, or an InputError naming the allowed ones. */
export function targetGroup(id: IdentityConfig, group: string): string {
  if (id.invitationTargetGroups.includes(group)) return group;
  const known = id.groups.some((g) => g.name === group);
  throw new InputError(
    `group ${JSON.stringify(group)}: ${known ? "invitations may not grant this group" : "no such group in the stack"}; allowed: ${id.invitationTargetGroups.map((g) => `'${g}'`).join(", ")}. Fix: pick one of those${known ? ", or add the user by hand with `invite assign`" : ""}`,
  );
}

function linkOf(c: AuthentikClient, slug: string, pk: string): string {
  return `${c.url}/if/flow/${slug}/?itoken=${pk}`;
}

function view(c: AuthentikClient, slug: string, inv: Record<string, any>): InvitationView {
  const g = inv.fixedData?.group;
  return {
    id: String(inv.pk),
    name: String(inv.name),
    group: typeof g === "string" ? g : null,
    expires: inv.expires ? new Date(inv.expires).toISOString() : null,
    use: inv.singleUse ? "single-use" : "multi-use",
    link: linkOf(c, slug, String(inv.pk)),
  };
}

async function enrollmentFlow(c: AuthentikClient, id: IdentityConfig) {
  const slug = id.enrollment.flow.slug;
  const res = await call(c.url, `flow '${slug}'`, () => c.flows.flowsInstancesList({ slug }));
  const flow = res.results.find((f) => f.slug === slug);
  if (!flow) throw new InputError(`flow '${slug}' does not exist in authentik at ${c.url}; invitations need it. Fix: apply the stack (or adopt the live flow) first`);
  return flow;
}

export interface CreateOptions {
  readonly group: string;
  readonly days?: number;
  /** @default true (the seed's invite links are single-use) */
  readonly singleUse?: boolean;
  /** For tests. @default - now */
  readonly now?: Date;
}

export async function createInvitation(c: AuthentikClient, id: IdentityConfig, o: CreateOptions): Promise<InvitationView> {
  const group = targetGroup(id, o.group);
  const flow = await enrollmentFlow(c, id);
  const now = o.now ?? new Date();
  const name = `invite-${group.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}-${now.toISOString().slice(0, 10).replace(/-/g, "")}-${randomBytes(3).toString("hex")}`;
  const inv = await call(c.url, `create invitation for '${group}'`, () =>
    c.stages.stagesInvitationInvitationsCreate({
      invitationRequest: {
        name,
        flow: flow.pk,
        singleUse: o.singleUse ?? true,
        fixedData: { group },
        expires: o.days === undefined ? null : new Date(now.getTime() + o.days * 86_400_000),
      },
    }),
  );
  return view(c, flow.slug, inv);
}

/** Pending invitations of the enrollment flow (not expired), oldest first. */
export async function listInvitations(c: AuthentikClient, id: IdentityConfig, now = new Date()): Promise<InvitationView[]> {
  const slug = id.enrollment.flow.slug;
  const out: InvitationView[] = [];
  for (let page = 1; ; page++) {
    const res = await call(c.url, "list invitations", () => c.stages.stagesInvitationInvitationsList({ flowSlug: slug, page, pageSize: 100 }));
    for (const inv of res.results) if (!inv.expires || inv.expires.getTime() > now.getTime()) out.push(view(c, slug, inv));
    if (!res.pagination?.next) break;
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function revokeInvitation(c: AuthentikClient, id: IdentityConfig, inviteId: string, now = new Date()): Promise<InvitationView> {
  if (!UUID.test(inviteId)) throw new InputError(`invitation id ${JSON.stringify(inviteId)}: not an invitation id; allowed: the UUID \`invite list\` shows. Fix: copy it from \`npx authentik-stack invite list\``);
  const slug = id.enrollment.flow.slug;
  const inv = await call(c.url, `find invitation ${inviteId}`, async () => {
    try {
      return await c.stages.stagesInvitationInvitationsRetrieve({ inviteUuid: inviteId });
    } catch (e) {
      if (e instanceof ResponseError && e.response.status === 404) return undefined;
      throw e;
    }
  });
  if (!inv) throw new InputError(`invitation ${inviteId}: no such invitation (a single-use invitation is deleted by authentik once used). Fix: check \`invite list\``);
  if (inv.expires && inv.expires.getTime() <= now.getTime()) throw new InputError(`invitation ${inviteId}: already expired on ${inv.expires.toISOString()}; it can no longer be used and authentik removes it. Fix: nothing to do`);
  await call(c.url, `revoke invitation ${inviteId}`, () => c.stages.stagesInvitationInvitationsDestroy({ inviteUuid: inviteId }));
  return view(c, slug, inv);
}

/** Adds a user to a group of the stack (manual, after enrollment). */
export async function assignGroup(c: AuthentikClient, id: IdentityConfig, username: string, group: string): Promise<{ username: string; group: string; userId: number }> {
  if (!id.groups.some((g) => g.name === group)) throw new InputError(`group ${JSON.stringify(group)}: no such group in the stack; allowed: ${id.groups.map((g) => `'${g.name}'`).join(", ")}. Fix: use one of those names`);
  const users = await call(c.url, `find user '${username}'`, () => c.core.coreUsersList({ username }));
  const user = users.results.find((u) => u.username === username);
  if (!user) throw new InputError(`user ${JSON.stringify(username)}: no such user in authentik. Fix: check the username (the user must have enrolled first)`);
  const groups = await call(c.url, `find group '${group}'`, () => c.core.coreGroupsList({ name: group }));
  const g = groups.results.find((x) => x.name === group);
  if (!g) throw new InputError(`group '${group}' is in the stack but not in authentik at ${c.url}. Fix: apply the stack (or adopt) first`);
  await call(c.url, `add '${username}' to '${group}'`, () => c.core.coreGroupsAddUserCreate({ groupUuid: g.pk, userAccountRequest: { pk: user.pk } }));
  return { username, group, userId: user.pk };
}
