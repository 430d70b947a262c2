/**
 * What every moderation action tells: `room:moderation` to the room and to
 * the target's sockets (each socket once; not the acting socket, which has
 * the action in its ack), and for a kick or a ban, `room:removed` to every
 * socket of the target once they have left the room.
 */
import type { ModAction, User } from "../../protocol";
import { chatRoom, userRoom } from "../../realtime/rooms";
import type { ChatContext } from "../context";
import { removeFromRoom } from "../rooms/membership";

export function announceAction(ctx: ChatContext, action: ModAction): void {
  const rooms = action.target ? [chatRoom(action.room), userRoom(action.target.id)] : chatRoom(action.room);
  ctx.publish.toRoom(rooms, { exceptSender: true }).emit("room:moderation", action);
}

/** Kick and ban: out of the room on every node, the membership ended, then told. */
export async function removeTarget(ctx: ChatContext, target: User, action: ModAction): Promise<void> {
  await removeFromRoom(action.room, target, ctx);
  ctx.publish.toUsers([target.id]).emit("room:removed", { room: action.room, action });
}

/**
 * Logs a moderator's deletion of someone else's message (`message:delete`)
 * as `delete` and announces it.
 *
 * @example
 * if (deleted.author.id !== ctx.user.id) await logModeratorDelete(ctx, room, seq, deleted.author);
 */
export async function logModeratorDelete(ctx: ChatContext, room: string, seq: number, author: User): Promise<ModAction> {
  const action = await ctx.store.moderate({ room, action: "delete", target: author, by: ctx.user, seq });
  announceAction(ctx, action);
  return action;
}
