import { AppError } from "../../errors";
import { RoomJoin, type RoomJoinData } from "../../protocol";
import { chatRoom } from "../../realtime/rooms";
import { defineEvent } from "../../realtime/registry";
import type { ChatContext } from "../context";

export const RECENT_ON_JOIN = 50;
export const MAX_SINCE_ON_JOIN = 500;

/**
 * Refuses a room the user is not in yet once they are in `maxRoomsPerUser`
 * rooms (on any of their sockets): each room costs a presence entry, and a
 * search over every joined room grows with their number (33,000 rooms used to
 * make `message:search` fail INTERNAL).
 */
async function assertRoomAllowed(room: string, ctx: ChatContext): Promise<void> {
  const rooms = await ctx.presence.roomsOf(ctx.user.id);
  if (rooms.length < ctx.limits.maxRoomsPerUser || rooms.includes(room)) return;
  throw new AppError("CONFLICT", `at most ${ctx.limits.maxRoomsPerUser} rooms per user: leave one first`, {
    reason: "too_many_rooms",
    limit: ctx.limits.maxRoomsPerUser,
  });
}

/**
 * `room:join`: the connection starts receiving the room's events *before* the
 * history is read, so no message can fall between the two (a client may see
 * one twice and drops it by `seq`). Other members hear `room:member-joined`
 * only for the user's first socket in the room. A join that fails (a store
 * error) is undone: the connection is left outside the room, as it was, and
 * nobody was told it joined.
 */
export const joinRoom = defineEvent({
  event: "room:join",
  schema: RoomJoin,
  async handle({ room, sinceSeq }, ctx: ChatContext): Promise<RoomJoinData> {
    const wasIn = ctx.connection.rooms().includes(room);
    if (!wasIn) await assertRoomAllowed(room, ctx);
    ctx.connection.join(room);
    let added = false;
    try {
      const first = await ctx.presence.add(room, ctx.user, ctx.connection.id);
      added = !wasIn;
      const page =
        sinceSeq === undefined
          ? await ctx.store.recentMessages(room, RECENT_ON_JOIN)
          : await ctx.store.messagesSince(room, sinceSeq, MAX_SINCE_ON_JOIN);
      const members = await ctx.presence.members(room);
      if (first) ctx.publish.toRoom(chatRoom(room), "room:member-joined", { room, user: ctx.user }, { exceptSender: true });
      return { room, members, messages: page.items, hasMore: page.hasMore };
    } catch (err) {
      if (!wasIn) {
        ctx.connection.leave(room);
        // member-joined was not sent, so no member-left either.
        if (added) await ctx.presence.remove(room, ctx.user.id, ctx.connection.id).catch((e) => ctx.log.error({ err: e, room }, "undoing a failed join failed"));
      }
      throw err;
    }
  },
});
