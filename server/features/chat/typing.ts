import { chatRoom } from "../../realtime/rooms";
import { defineChatEvent } from "../context";
import { requireMember } from "../rooms/membership";

/**
 * `typing`: relayed to the others in the room; not stored. A repeated
 * `typing: true` within the coalescing window (PARLOR_TYPING_COALESCE_MS) is
 * accepted but not relayed again; `typing: false` always is.
 */
export const typing = defineChatEvent({
  event: "typing",
  async handle({ room, typing }, ctx) {
    await requireMember(room, ctx);
    if (ctx.typing.shouldRelay(room, ctx.user.id, typing)) {
      ctx.publish.toRoom(chatRoom(room), { exceptSender: true }).emit("typing", { room, user: ctx.user, typing });
    }
  },
});
