import { RoomMembers } from "../../protocol";
import { defineEvent } from "../../realtime/registry";
import type { ChatContext } from "../context";

/** `room:members`: one entry per user in the room, however many tabs. */
export const roomMembers = defineEvent({
  event: "room:members",
  schema: RoomMembers,
  async handle({ room }, ctx: ChatContext) {
    return { room, members: await ctx.presence.members(room) };
  },
});
