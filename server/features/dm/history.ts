import { defineChatEvent } from "../context";

export const DEFAULT_DM_LIMIT = 50;

/** `dm:history`: the conversation with one user before `before` (ms), oldest first. */
export const directHistory = defineChatEvent({
  event: "dm:history",
  async handle({ with: other, before, limit }, ctx) {
    const page = await ctx.store.directHistory(ctx.user.id, other, before, limit ?? DEFAULT_DM_LIMIT);
    return { messages: page.items, hasMore: page.hasMore };
  },
});
