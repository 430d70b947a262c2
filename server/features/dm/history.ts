import { DmHistory } from "../../protocol";
import { defineEvent } from "../../realtime/registry";
import type { ChatContext } from "../context";

export const DEFAULT_DM_LIMIT = 50;

/** `dm:history`: the conversation with one user before `before` (ms), oldest first. */
export const directHistory = defineEvent({
  event: "dm:history",
  schema: DmHistory,
  async handle({ with: other, before, limit }, ctx: ChatContext) {
    const page = await ctx.store.directHistory(ctx.user.id, other, before, limit ?? DEFAULT_DM_LIMIT);
    return { messages: page.items, hasMore: page.hasMore };
  },
});
