import { defineChatEvent } from "../context";
import { enterRoom } from "./membership";

export const RECENT_ON_JOIN = 50;
export const MAX_SINCE_ON_JOIN = 500;
export const MAX_UPDATES_ON_JOIN = 500;

/**
 * `room:join`: the lasting membership starts first (its read cursor at the
 * room's last seq, so the sender's cursor follows their messages from the
 * start), then the connection starts receiving the room's events *before*
 * the history is read, so no message or change can fall between the two (a
 * client may see one twice and drops it by `seq` / `rev`). Other members hear
 * `room:member-joined` only for the user's first socket in the room. A join
 * that fails (a store error) is undone: the connection is left outside the
 * room, a membership it started is ended, and nobody was told it joined.
 */
export const joinRoom = defineChatEvent({
  event: "room:join",
  async handle({ room, sinceSeq, sinceRev }, ctx) {
    // A banned user is refused here (FORBIDDEN, reason "banned"); the first joiner of an ownerless room owns it.
    const info = await ctx.store.openRoom(room, ctx.user);
    const membership = await ctx.store.startMembership(ctx.user, room);
    let entry: Awaited<ReturnType<typeof enterRoom>> | undefined;
    try {
      entry = await enterRoom(room, ctx);
      const page =
        sinceSeq === undefined
          ? await ctx.store.recentMessages(room, RECENT_ON_JOIN)
          : await ctx.store.messagesSince(room, sinceSeq, MAX_SINCE_ON_JOIN);
      const changes =
        sinceSeq !== undefined && sinceRev !== undefined
          ? await ctx.store.updatesSince(room, sinceSeq, sinceRev, MAX_UPDATES_ON_JOIN)
          : undefined;
      const members = await ctx.presence.members(room);
      entry.announce();
      // Two reads, two revs: the smaller one, so a change between them is sent again later rather than missed.
      const rev = changes ? Math.min(page.rev, changes.rev) : page.rev;
      const data = { room, members, messages: page.items, hasMore: page.hasMore, rev, readSeq: membership.readSeq, info };
      return changes ? { ...data, updates: changes.updates, hasMoreUpdates: changes.hasMoreUpdates } : data;
    } catch (err) {
      await entry?.undo();
      if (membership.started)
        await ctx.store.endMembership(ctx.user.id, room).catch((e) => ctx.log.error({ err: e, room }, "undoing a membership failed"));
      throw err;
    }
  },
});
