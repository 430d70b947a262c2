import { defineChatEvent } from "../context";
import { requireMember } from "../rooms/membership";

export const DEFAULT_HISTORY_LIMIT = 50;

/** `message:history`: the page before `beforeSeq` (or the newest), oldest first. Members only. */
export const messageHistory = defineChatEvent({
  event: "message:history",
  async handle({ room, beforeSeq, limit }, ctx) {
    await requireMember(room, ctx);
    const page = await ctx.store.messagesBefore(room, beforeSeq, limit ?? DEFAULT_HISTORY_LIMIT);
    return { messages: page.items, hasMore: page.hasMore };
  },
});
