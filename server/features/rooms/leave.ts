import { defineChatEvent } from "../context";
import { exitRoom } from "./membership";

/** `room:leave`: idempotent; leaving a room one is not in answers ok. */
export const leaveRoom = defineChatEvent({
  event: "room:leave",
  async handle({ room }, ctx) {
    await exitRoom(room, ctx);
    return { room };
  },
});
