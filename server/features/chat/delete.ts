import { chatRoom } from "../../realtime/rooms";
import { defineChatEvent } from "../context";
import { logModeratorDelete } from "../moderation/announce";
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
    // Someone else's message: a moderator's deletion, in the room's audit log (PROTOCOL "Moderation").
    if (deleted.author.id !== ctx.user.id) await logModeratorDelete(ctx, room, seq, deleted.author);
    return { room, seq };
  },
});
