import { Typing } from "../../protocol";
import { chatRoom } from "../../realtime/rooms";
import { defineEvent } from "../../realtime/registry";
import type { ChatContext } from "../context";
import { requireMember } from "./membership";

/**
 * `typing`: relayed to the others in the room; not stored. A repeated
 * `typing: true` within the coalescing window (PARLOR_TYPING_COALESCE_MS) is
 * accepted but not relayed again; `typing: false` always is.
 */
export const typing = defineEvent({
  event: "typing",
  schema: Typing,
  async handle({ room, typing }, ctx: ChatContext) {
    await requireMember(room, ctx);
    if (ctx.typing.shouldRelay(room, ctx.user.id, typing)) {
      ctx.publish.toRoom(chatRoom(room), "typing", { room, user: ctx.user, typing }, { exceptSender: true });
    }
    return {};
  },
});
