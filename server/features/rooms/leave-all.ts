import { chatRoom } from "../../realtime/rooms";
import type { ChatContext } from "../context";

/**
 * Takes the connection out of `room`; tells the room `room:member-left` when
 * it was the user's last socket there. Used by `room:leave` and on disconnect.
 */
export async function leaveRoom(room: string, ctx: ChatContext): Promise<void> {
  ctx.connection.leave(room);
  const last = await ctx.presence.remove(room, ctx.user.id, ctx.connection.id);
  if (last) ctx.publish.toRoom(chatRoom(room), "room:member-left", { room, user: ctx.user });
}

/** On disconnect: leave every room the connection was in. */
export async function leaveAllRooms(rooms: string[], ctx: ChatContext): Promise<void> {
  for (const room of rooms) await leaveRoom(room, ctx);
}
