import { chatRoom } from "../../realtime/rooms";
import { defineChatEvent } from "../context";
import { requireMember } from "../rooms/membership";

/**
 * `message:edit`: author only (the store refuses FORBIDDEN / NOT_FOUND and
 * updates the search index in the same transaction). Ack first, then the
 * room's other sockets get the message in its current form.
 */
export const editMessage = defineChatEvent({
  event: "message:edit",
  async handle({ room, seq, text }, ctx) {
    await requireMember(room, ctx);
    const message = await ctx.store.editMessage({ room, seq, userId: ctx.user.id, text });
    ctx.publish.toRoom(chatRoom(room), { exceptSender: true }).emit("message:updated", message);
    return { message };
  },
});
