import { defineChatEvent } from "../context";

/**
 * `room:read`: moves the user's lasting read cursor forward (the store
 * refuses FORBIDDEN without a membership, never moves it back, and stops at
 * the room's last seq). The user's other sockets, on every node, follow.
 */
export const markRead = defineChatEvent({
  event: "room:read",
  async handle({ room, seq }, ctx) {
    const readSeq = await ctx.store.markRead(ctx.user.id, room, seq);
    ctx.publish.toUsers([ctx.user.id], { exceptSender: true }).emit("room:read", { room, readSeq });
    return { room, readSeq };
  },
});
