import { chatRoom } from "../../realtime/rooms";
import { defineChatEvent } from "../context";
import { requireMember } from "../rooms/membership";

/**
 * `message:react`: idempotent per (user, emoji). A reaction that changes
 * nothing bumps no rev and is not broadcast; the ack carries the summary either way.
 */
export const reactMessage = defineChatEvent({
  event: "message:react",
  async handle({ room, seq, emoji, on }, ctx) {
    await requireMember(room, ctx);
    const { rev, reactions, changed } = await ctx.store.reactMessage({ room, seq, userId: ctx.user.id, emoji, on });
    const data = { room, seq, rev, reactions };
    if (changed) ctx.publish.toRoom(chatRoom(room), { exceptSender: true }).emit("message:reactions", data);
    return data;
  },
});
