import { AppError } from "../../errors";
import { defineChatEvent } from "../context";

/**
 * `dm:send`: stored before the ack, then `dm:new` to every socket of the
 * recipient and the sender's other sockets (on every node).
 */
export const sendDirect = defineChatEvent({
  event: "dm:send",
  async handle({ to, text, clientId }, ctx) {
    const recipient = await ctx.store.getUser(to);
    if (!recipient) throw new AppError("NOT_FOUND", "no such user", { field: "to" });
    const { message, created } = await ctx.store.appendDirectMessage({ from: ctx.user, to: recipient, text, clientId });
    if (created) ctx.publish.toUsers([recipient.id, ctx.user.id], { exceptSender: true }).emit("dm:new", message);
    return { message };
  },
});
