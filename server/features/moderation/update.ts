import { chatRoom } from "../../realtime/rooms";
import { defineChatEvent } from "../context";
import { requireModerator } from "./permissions";

/**
 * `room:update`: topic and/or slow mode, by whoever may moderate the room.
 * Logged as `update` and announced as `room:updated` only (no room:moderation).
 */
export const updateRoom = defineChatEvent({
  event: "room:update",
  async handle({ room, topic, slowModeMs }, ctx) {
    await requireModerator(ctx, room);
    const { info } = await ctx.store.updateRoom({ room, by: ctx.user, topic, slowModeMs });
    ctx.publish.toRoom(chatRoom(room), { exceptSender: true }).emit("room:updated", info);
    return { info };
  },
});
