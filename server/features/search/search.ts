import { MessageSearch } from "../../protocol";
import { defineEvent } from "../../realtime/registry";
import { requireMember } from "../chat/membership";
import type { ChatContext } from "../context";

export const DEFAULT_SEARCH_LIMIT = 20;

/**
 * `message:search`: full-text search in `room` (members only) or in every
 * room the user is in now; best match first, with a highlighted snippet.
 */
export const searchMessages = defineEvent({
  event: "message:search",
  schema: MessageSearch,
  async handle({ q, room, limit }, ctx: ChatContext) {
    if (room !== undefined) await requireMember(room, ctx);
    const rooms = room !== undefined ? [room] : await ctx.presence.roomsOf(ctx.user.id);
    return { results: await ctx.store.search(q, rooms, limit ?? DEFAULT_SEARCH_LIMIT) };
  },
});
