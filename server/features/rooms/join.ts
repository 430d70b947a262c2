import { RoomJoin, type RoomJoinData } from "../../protocol";
import { chatRoom } from "../../realtime/rooms";
import { defineEvent } from "../../realtime/registry";
import type { ChatContext } from "../context";

export const RECENT_ON_JOIN = 50;
export const MAX_SINCE_ON_JOIN = 500;

/**
 * `room:join`: the connection starts receiving the room's events *before* the
 * history is read, so no message can fall between the two (a client may see
 * one twice and drops it by `seq`). Other members hear `room:member-joined`
 * only for the user's first socket in the room.
 */
export const joinRoom = defineEvent({
  event: "room:join",
  schema: RoomJoin,
  async handle({ room, sinceSeq }, ctx: ChatContext): Promise<RoomJoinData> {
    ctx.connection.join(room);
    const first = await ctx.presence.add(room, ctx.user, ctx.connection.id);
    const page =
      sinceSeq === undefined
        ? await ctx.store.recentMessages(room, RECENT_ON_JOIN)
        : await ctx.store.messagesSince(room, sinceSeq, MAX_SINCE_ON_JOIN);
    const members = await ctx.presence.members(room);
    if (first) ctx.publish.toRoom(chatRoom(room), "room:member-joined", { room, user: ctx.user }, { exceptSender: true });
    return { room, members, messages: page.items, hasMore: page.hasMore };
  },
});
