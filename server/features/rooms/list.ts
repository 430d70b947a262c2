import { RoomList } from "../../protocol";
import { defineEvent } from "../../realtime/registry";
import type { ChatContext } from "../context";

/** `room:list`: rooms with at least one member now, busiest first. */
export const listRooms = defineEvent({
  event: "room:list",
  schema: RoomList,
  async handle(_input, ctx: ChatContext) {
    const rooms = await ctx.presence.rooms();
    rooms.sort((a, b) => b.members - a.members || a.room.localeCompare(b.room));
    return { rooms };
  },
});
