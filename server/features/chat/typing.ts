import { Typing } from "../../protocol";
import { chatRoom } from "../../realtime/rooms";
import { defineEvent } from "../../realtime/registry";
import type { ChatContext } from "../context";
import { requireMember } from "./membership";

/** `typing`: relayed to the others in the room; not stored. */
export const typing = defineEvent({
  event: "typing",
  schema: Typing,
  async handle({ room, typing }, ctx: ChatContext) {
    await requireMember(room, ctx);
    ctx.publish.toRoom(chatRoom(room), "typing", { room, user: ctx.user, typing }, { exceptSender: true });
    return {};
  },
});
