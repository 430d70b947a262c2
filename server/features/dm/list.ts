import { defineChatEvent } from "../context";

/** `dm:list`: the user's conversations, most recent first; at most PARLOR_MAX_LIST of them (as `room:list`). */
export const listConversations = defineChatEvent({
  event: "dm:list",
  async handle(_input, ctx) {
    return { conversations: await ctx.store.dmConversations(ctx.user.id, ctx.limits.maxListItems) };
  },
});
