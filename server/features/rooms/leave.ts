import { defineChatEvent } from "../context";
import { exitRoom } from "./membership";

/**
 * `room:leave`: idempotent; leaving a room one is not in answers ok. The
 * calling socket leaves (v1); when no socket of the user remains in the room
 * on any node (presence), the lasting membership ends too. Disconnects never
 * come here, so they never end it.
 */
export const leaveRoom = defineChatEvent({
  event: "room:leave",
  async handle({ room }, ctx) {
    await exitRoom(room, ctx);
    if (!(await ctx.presence.isMember(room, ctx.user.id))) await ctx.store.endMembership(ctx.user.id, room);
    return { room };
  },
});
