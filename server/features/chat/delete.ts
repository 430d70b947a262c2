import { chatRoom } from "../../realtime/rooms";
import { defineChatEvent } from "../context";
import { requireMember } from "../rooms/membership";

/**
 * `message:delete`: the author, or whoever `ctx.canModerate` allows (the
 * Moderation rules; false until moderation decides). The message becomes a
 * tombstone; its seq stays, so the room's seqs remain gap-free.
 */
export const deleteMessage = defineChatEvent({
  event: "message:delete",
  async handle({ room, seq }, ctx) {
    await requireMember(room, ctx);
    const asModerator = await ctx.canModerate(ctx, room);
    const deleted = await ctx.store.deleteMessage({ room, seq, userId: ctx.user.id, asModerator });
    ctx.publish.toRoom(chatRoom(room), { exceptSender: true }).emit("message:deleted", { room, seq, rev: deleted.rev, by: ctx.user });
    return { room, seq };
  },
});
