import { defineChatEvent } from "../context";

/** `room:members`: one entry per user in the room, however many tabs. */
export const roomMembers = defineChatEvent({
  event: "room:members",
  async handle({ room }, ctx) {
    return { room, members: await ctx.presence.members(room) };
  },
});
