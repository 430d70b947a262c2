import { RoomLeave } from "../../protocol";
import { defineEvent } from "../../realtime/registry";
import type { ChatContext } from "../context";
import { leaveRoom as leave } from "./leave-all";

/** `room:leave`: idempotent; leaving a room one is not in answers ok. */
export const leaveRoom = defineEvent({
  event: "room:leave",
  schema: RoomLeave,
  async handle({ room }, ctx: ChatContext) {
    await leave(room, ctx);
    return { room };
  },
});
