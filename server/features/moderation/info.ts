import { AppError } from "../../errors";
import { defineChatEvent } from "../context";
import { requireRoom } from "./permissions";

/**
 * `room:info`: members only, by the lasting membership (or a socket in the
 * room now); NOT_FOUND for a room nobody has ever joined.
 */
export const roomInfo = defineChatEvent({
  event: "room:info",
  async handle({ room }, ctx) {
    const info = await requireRoom(ctx, room);
    const member = (await ctx.store.isRoomMember(ctx.user.id, room)) || (await ctx.presence.isMember(room, ctx.user.id));
    if (!member) throw new AppError("FORBIDDEN", `join room "${room}" first`, { room });
    return { info };
  },
});
