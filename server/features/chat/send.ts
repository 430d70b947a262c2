import { MessageSend } from "../../protocol";
import { chatRoom } from "../../realtime/rooms";
import { defineEvent } from "../../realtime/registry";
import type { ChatContext } from "../context";
import { requireMember } from "./membership";

/**
 * `message:send`: stored durably before the ack. A retry with the same
 * `clientId` gets the first message back and broadcasts nothing new.
 */
export const sendMessage = defineEvent({
  event: "message:send",
  schema: MessageSend,
  async handle({ room, text, clientId }, ctx: ChatContext) {
    await requireMember(room, ctx);
    const { message, created } = await ctx.store.appendMessage({ room, user: ctx.user, text, clientId });
    if (created) ctx.publish.toRoom(chatRoom(room), "message:new", message, { exceptSender: true });
    return { message };
  },
});
