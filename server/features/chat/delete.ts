import { chatRoom } from "../../realtime/rooms";
import { type ChatContext, defineChatEvent } from "../context";
import { logModeratorDelete } from "../moderation/announce";
import { requireMember } from "../rooms/membership";
import type { User } from "../../protocol";

/** Who wrote message `seq` of `room` (tombstones too), or undefined when there is no such message. */
async function authorOf(ctx: ChatContext, room: string, seq: number): Promise<User | undefined> {
  const [message] = (await ctx.store.messagesSince(room, seq - 1, 1)).items;
  return message?.seq === seq ? message.user : undefined;
}

/**
 * `message:delete`: the author, or whoever `ctx.canModerate` allows to act on
 * the author (the Moderation rules: nobody on the owner or a global admin, a
 * room moderator not on another room moderator). The message becomes a
 * tombstone; its seq stays, so the room's seqs remain gap-free.
 */
export const deleteMessage = defineChatEvent({
  event: "message:delete",
  async handle({ room, seq }, ctx) {
    await requireMember(room, ctx);
    // The author first: a moderator's deletion is an action on them. A message's author never changes,
    // so the read cannot go stale; a missing seq is left to the store (NOT_FOUND).
    const author = await authorOf(ctx, room, seq);
    const asModerator = author !== undefined && author.id !== ctx.user.id && (await ctx.canModerate(ctx, room, author.id));
    const deleted = await ctx.store.deleteMessage({ room, seq, userId: ctx.user.id, asModerator });
    ctx.publish.toRoom(chatRoom(room), { exceptSender: true }).emit("message:deleted", { room, seq, rev: deleted.rev, by: ctx.user });
    // Someone else's message: a moderator's deletion, in the room's audit log (PROTOCOL "Moderation").
    if (deleted.author.id !== ctx.user.id) await logModeratorDelete(ctx, room, seq, deleted.author);
    return { room, seq };
  },
});
