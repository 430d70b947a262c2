/**
 * Who may moderate a room, and act on whom (PROTOCOL "Moderation"): the
 * owner, the room's moderators and global admins/moderators moderate; nobody
 * acts on themselves, the owner or a global admin; a room moderator does not
 * act on another room moderator; promote/demote are the owner's and global
 * admins'. Global roles are those of the latest token the server has seen
 * from a user (stored with the user), for the actor and the target alike.
 */
import { AppError } from "../../errors";
import type { RoomInfo, User } from "../../protocol";
import type { ChatContext } from "../context";

interface Standing {
  admin: boolean;
  globalModerator: boolean;
  owner: boolean;
  roomModerator: boolean;
}

function standing(userId: string, roles: readonly string[], info: RoomInfo): Standing {
  return {
    admin: roles.includes("admin"),
    globalModerator: roles.includes("moderator"),
    owner: info.owner?.id === userId,
    roomModerator: info.moderators.some((m) => m.id === userId),
  };
}

const moderates = (s: Standing) => s.admin || s.globalModerator || s.owner || s.roomModerator;

const rolesOf = async (ctx: ChatContext, userId: string) => (await ctx.store.knownUser(userId))?.roles ?? [];

/** The room's info, or NOT_FOUND for a room nobody has ever joined. */
export async function requireRoom(ctx: ChatContext, room: string): Promise<RoomInfo> {
  const info = await ctx.store.roomInfo(room);
  if (!info) throw new AppError("NOT_FOUND", `no room "${room}": nobody has joined it`, { field: "room" });
  return info;
}

/** Why `actor` (the user, `actorId`) may not act on `targetId`, or undefined when the rule allows it. */
function targetRefusal(actorId: string, actor: Standing, targetId: string, target: Standing): string | undefined {
  if (targetId === actorId) return "you may not act on yourself";
  if (target.owner) return "nobody may act on the room's owner";
  if (target.admin) return "nobody may act on an admin";
  const roomModeratorOnly = !actor.owner && !actor.admin && !actor.globalModerator;
  if (roomModeratorOnly && target.roomModerator) return "a room moderator may not act on another room moderator";
  return undefined;
}

/**
 * Whether the user may moderate `room` (ChatContext.canModerate): false for
 * an unknown room. With `targetId`, whether they may act on that user there
 * too (nobody on themselves, the owner or an admin; a room moderator not on
 * another room moderator); a target the server never saw counts as a plain member.
 *
 * @example
 * if (await canModerate(ctx, "lobby")) ...
 * if (await canModerate(ctx, "lobby", message.user.id)) ... // deleting another's message
 */
export async function canModerate(ctx: ChatContext, room: string, targetId?: string): Promise<boolean> {
  const info = await ctx.store.roomInfo(room);
  if (!info) return false;
  const actor = standing(ctx.user.id, await rolesOf(ctx, ctx.user.id), info);
  if (!moderates(actor)) return false;
  if (targetId === undefined) return true;
  return targetRefusal(ctx.user.id, actor, targetId, standing(targetId, await rolesOf(ctx, targetId), info)) === undefined;
}

/** FORBIDDEN unless the user may moderate the room; returns its info. */
export async function requireModerator(ctx: ChatContext, room: string): Promise<RoomInfo> {
  const info = await requireRoom(ctx, room);
  if (!moderates(standing(ctx.user.id, await rolesOf(ctx, ctx.user.id), info)))
    throw new AppError("FORBIDDEN", "only the room's moderators may do this");
  return info;
}

/**
 * Checks the whole rule for the user acting on `targetId` in `room` and
 * returns the target. `ownerOrAdmin`: promote/demote.
 */
export async function authorizeAction(ctx: ChatContext, room: string, targetId: string, ownerOrAdmin = false): Promise<User> {
  const info = await requireRoom(ctx, room);
  const actor = standing(ctx.user.id, await rolesOf(ctx, ctx.user.id), info);
  if (!moderates(actor)) throw new AppError("FORBIDDEN", "only the room's moderators may do this");
  if (ownerOrAdmin && !actor.owner && !actor.admin)
    throw new AppError("FORBIDDEN", "only the room's owner or an admin may change its moderators");
  const known = await ctx.store.knownUser(targetId);
  if (!known) throw new AppError("NOT_FOUND", "no such user", { field: "user" });
  const refusal = targetRefusal(ctx.user.id, actor, targetId, standing(targetId, known.roles, info));
  if (refusal) throw new AppError("FORBIDDEN", refusal);
  return known.user;
}
