import { MessageHistory } from "../../protocol";
import { defineEvent } from "../../realtime/registry";
import type { ChatContext } from "../context";
import { requireMember } from "./membership";

export const DEFAULT_HISTORY_LIMIT = 50;

/** `message:history`: the page before `beforeSeq` (or the newest), oldest first. Members only. */
export const messageHistory = defineEvent({
  event: "message:history",
  schema: MessageHistory,
  async handle({ room, beforeSeq, limit }, ctx: ChatContext) {
    await requireMember(room, ctx);
    const page = await ctx.store.messagesBefore(room, beforeSeq, limit ?? DEFAULT_HISTORY_LIMIT);
    return { messages: page.items, hasMore: page.hasMore };
  },
});
