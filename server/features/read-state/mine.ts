import { defineChatEvent } from "../context";

/** `room:mine`: the user's lasting memberships with their unread counts (one store read, whichever node answers). */
export const myRooms = defineChatEvent({
  event: "room:mine",
  async handle(_input, ctx) {
    return { rooms: await ctx.store.myRooms(ctx.user.id) };
  },
});
