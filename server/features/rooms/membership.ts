/**
 * Chat room membership, in one place: a connection entering and leaving a
 * room, every room on disconnect, the rooms of a recovered socket, and the
 * membership changes presence reports on its own (a node presumed dead).
 * Each of them announces `room:member-joined` / `room:member-left` here,
 * for a user's first and last socket in a room only, through the publisher.
 */
import { AppError } from "../../errors";
import type { User } from "../../protocol";
import { chatRoom } from "../../realtime/rooms";
import type { ChatContext } from "../context";

type Publish = ChatContext["publish"];
type Change = { room: string; user: User };

/** Tells the room's other members that `user` joined it (their first socket there). */
function announceJoined(publish: Publish, { room, user }: Change, exceptSender: boolean): void {
  publish.toRoom(chatRoom(room), { exceptSender }).emit("room:member-joined", { room, user });
}

/** Tells the room that `user` left it (their last socket there). */
function announceLeft(publish: Publish, { room, user }: Change): void {
  publish.toRoom(chatRoom(room), {}).emit("room:member-left", { room, user });
}

/** Throws FORBIDDEN unless the user has joined `room` (on any of their sockets). */
export async function requireMember(room: string, ctx: ChatContext): Promise<void> {
  if (!(await ctx.presence.isMember(room, ctx.user.id))) {
    throw new AppError("FORBIDDEN", `join room "${room}" first`, { room });
  }
}

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
 * Puts the connection in `room` (within the per-user cap) and records it in presence. Returns `announce`,
 * to call once the join has succeeded (it tells the others when this is the
 * user's first socket there), and `undo`, which takes a failed join back
 * without anybody having been told.
 */
export async function enterRoom(room: string, ctx: ChatContext): Promise<{ announce(): void; undo(): Promise<void> }> {
  const wasIn = ctx.connection.rooms().includes(room);
  if (!wasIn) await assertRoomAllowed(room, ctx);
  ctx.connection.join(room);
  let added = false;
  let first = false;
  const undo = async () => {
    if (wasIn) return;
    ctx.connection.leave(room);
    // member-joined was not sent, so no member-left either.
    if (added)
      await ctx.presence
        .remove(room, ctx.user.id, ctx.connection.id)
        .catch((e) => ctx.log.error({ err: e, room }, "undoing a failed join failed"));
  };
  try {
    first = await ctx.presence.add(room, ctx.user, ctx.connection.id);
    added = !wasIn;
  } catch (err) {
    await undo();
    throw err;
  }
  return { announce: () => first && announceJoined(ctx.publish, { room, user: ctx.user }, true), undo };
}

/**
 * Takes the connection out of `room`; tells the room `room:member-left` when
 * it was the user's last socket there. Used by `room:leave` and on disconnect.
 */
export async function exitRoom(room: string, ctx: ChatContext): Promise<void> {
  ctx.connection.leave(room);
  const last = await ctx.presence.remove(room, ctx.user.id, ctx.connection.id);
  if (last) announceLeft(ctx.publish, { room, user: ctx.user });
}

/**
 * A kick or a ban: every socket of `user` leaves `room` on every node (the
 * node holding each socket runs exitRoom for it, so `room:member-left` goes
 * out once, for the last one), then the lasting membership ends.
 */
export async function removeFromRoom(room: string, user: User, ctx: ChatContext): Promise<void> {
  await ctx.roomControl.removeUser(room, user.id);
  await ctx.store.endMembership(user.id, room);
}

/**
 * On disconnect: presence forgets the connection in every room it was in.
 * Socket.IO leaves the rooms itself right after saving them for recovery;
 * leaving them here first would recover a socket without its rooms.
 */
export async function disconnectFromRooms(rooms: string[], ctx: ChatContext): Promise<void> {
  const presenceOnly: ChatContext = { ...ctx, connection: { ...ctx.connection, leave: () => {} } };
  for (const room of rooms) await exitRoom(room, presenceOnly);
}

/**
 * A recovered socket (connection state recovery: same id, rooms restored by
 * Socket.IO) is back in its chat rooms, but presence dropped it on
 * disconnect: put it back, announcing the user if this is their first socket there.
 */
export async function restoreRooms(rooms: string[], ctx: ChatContext): Promise<void> {
  for (const room of rooms) {
    if (await ctx.presence.add(room, ctx.user, ctx.connection.id)) announceJoined(ctx.publish, { room, user: ctx.user }, true);
  }
}

/**
 * Membership changes presence found on its own (cluster: a node presumed dead,
 * or this node back after a stall), announced to everyone in each room.
 *
 * @example
 * openPresence(redis, opts, log, presenceAnnouncements(namespacePublisher(chat)));
 */
export function presenceAnnouncements(publish: Publish): { left(changes: Change[]): void; joined(changes: Change[]): void } {
  return {
    left: (changes) => changes.forEach((change) => announceLeft(publish, change)),
    joined: (changes) => changes.forEach((change) => announceJoined(publish, change, false)),
  };
}
