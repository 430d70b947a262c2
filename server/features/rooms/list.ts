import { defineChatEvent } from "../context";

/**
 * `room:list`: rooms with at least one member now, busiest first; at most
 * `limit` of them (addition; default and ceiling PARLOR_MAX_LIST), with
 * `hasMore` when some were left out.
 */
export const listRooms = defineChatEvent({
  event: "room:list",
  async handle({ limit }, ctx) {
    const rooms = await ctx.presence.rooms();
    rooms.sort((a, b) => b.members - a.members || a.room.localeCompare(b.room));
    const max = Math.min(limit ?? ctx.limits.maxListItems, ctx.limits.maxListItems);
    return { rooms: rooms.slice(0, max), hasMore: rooms.length > max };
  },
});
