import { chatRoom } from "../../realtime/rooms";
import { defineChatEvent } from "../context";
import { requireMember } from "../rooms/membership";

/**
 * `message:send`: stored durably before the ack. A retry with the same
 * `clientId` gets the first message back and broadcasts nothing new. A
 * `replyTo` that is not a live message of the room: NOT_FOUND (the store).
 */
export const sendMessage = defineChatEvent({
  event: "message:send",
  async handle({ room, text, clientId, replyTo }, ctx) {
    await requireMember(room, ctx);
    const { message, created } = await ctx.store.appendMessage({ room, user: ctx.user, text, clientId, replyTo });
    if (created) ctx.publish.toRoom(chatRoom(room), { exceptSender: true }).emit("message:new", message);
    return { message };
  },
});
