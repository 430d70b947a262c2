import { defineChatEvent } from "../context";
import { enterRoom } from "./membership";

export const RECENT_ON_JOIN = 50;
export const MAX_SINCE_ON_JOIN = 500;

/**
 * `room:join`: the connection starts receiving the room's events *before* the
 * history is read, so no message can fall between the two (a client may see
 * one twice and drops it by `seq`). Other members hear `room:member-joined`
 * only for the user's first socket in the room. A join that fails (a store
 * error) is undone: the connection is left outside the room, as it was, and
 * nobody was told it joined.
 */
export const joinRoom = defineChatEvent({
  event: "room:join",
  async handle({ room, sinceSeq }, ctx) {
    const entry = await enterRoom(room, ctx);
    try {
      const page =
        sinceSeq === undefined
          ? await ctx.store.recentMessages(room, RECENT_ON_JOIN)
          : await ctx.store.messagesSince(room, sinceSeq, MAX_SINCE_ON_JOIN);
      const members = await ctx.presence.members(room);
      entry.announce();
      return { room, members, messages: page.items, hasMore: page.hasMore };
    } catch (err) {
      await entry.undo();
      throw err;
    }
  },
});
