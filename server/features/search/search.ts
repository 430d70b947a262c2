import { defineChatEvent } from "../context";
import { requireMember } from "../rooms/membership";
import { oneAtATime } from "./in-flight";

export const DEFAULT_SEARCH_LIMIT = 20;

/**
 * `message:search`: full-text search in `room` (members only) or in every
 * room the user is in now; best match first (bm25), with a snippet whose
 * matches are wrapped in `[` `]`.
 *
 * The query language is the search box's, whatever the store: words (all of
 * them must match; punctuation inside a word is fine: `don't`, `C++`),
 * `hel*` prefixes, `"exact phrase"`, `AND` / `OR` / `NOT` and parentheses.
 * Anything else is searched as plain words; a query with no word in it is
 * BAD_REQUEST (field `q`), never INTERNAL. See storage/sqlite-fts-query.ts.
 *
 * Limits: one search in flight per user (RATE_LIMITED, `details.reason`
 * "search in flight", `retryAfterMs`), and a time budget per search
 * (RATE_LIMITED, message "search took too long; narrow the query",
 * `details.reason` "timeout").
 */
export const searchMessages = defineChatEvent({
  event: "message:search",
  async handle({ q, room, limit }, ctx) {
    if (room !== undefined) await requireMember(room, ctx);
    const rooms = room !== undefined ? [room] : await ctx.presence.roomsOf(ctx.user.id);
    return { results: await oneAtATime(ctx.store, ctx.user.id, () => ctx.store.search(q, rooms, limit ?? DEFAULT_SEARCH_LIMIT)) };
  },
});
