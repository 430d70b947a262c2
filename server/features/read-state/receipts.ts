import { AppError } from "../../errors";
import { defineChatEvent } from "../context";

/**
 * `room:receipts`: the read cursors of the users in the room now (presence,
 * cluster-wide). The caller must hold a lasting membership: asking the store
 * for the caller's own cursor in the same read checks it.
 */
export const roomReceipts = defineChatEvent({
  event: "room:receipts",
  async handle({ room }, ctx) {
    const members = await ctx.presence.members(room);
    const ids = members.map((u) => u.id);
    const asked = ids.includes(ctx.user.id) ? ids : [...ids, ctx.user.id];
    const receipts = await ctx.store.receipts(room, asked);
    if (!receipts.some((r) => r.user.id === ctx.user.id)) throw new AppError("FORBIDDEN", `join room "${room}" first`, { room });
    return { receipts };
  },
});
