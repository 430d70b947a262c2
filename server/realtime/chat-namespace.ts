/**
 * `/chat`: token auth, then the chat, rooms, search and DM features through
 * the registry. On disconnect the connection leaves its rooms (presence).
 */
import type { Namespace } from "socket.io";
import { chatEvents } from "../features/chat";
import { typingCoalescer } from "../features/chat/typing-coalescer";
import type { ChatContext, ChatLimits } from "../features/context";
import { dmEvents } from "../features/dm";
import type { Presence } from "../features/presence/types";
import { leaveAllRooms, roomEvents } from "../features/rooms";
import { searchEvents } from "../features/search";
import type { Logger } from "../logger";
import type { ChatServerToClientEvents } from "../protocol";
import type { MessageStore } from "../storage/types";
import { enforceTokenExpiry } from "./auth";
import { socketPublisher } from "./publisher";
import { registerEvents, type RegistryHooks } from "./registry";
import { chatRoom, chatRoomName } from "./rooms";

export const chatNamespaceEvents = [...roomEvents, ...chatEvents, ...searchEvents, ...dmEvents];

export interface ChatDeps {
  store: MessageStore;
  presence: Presence;
  log: Logger;
  hooks: RegistryHooks<ChatContext>;
  limits: ChatLimits & { typingCoalesceMs: number };
  /** Hands background work (disconnect cleanup) to graceful shutdown, which waits for it. */
  track?(work: Promise<unknown>): void;
}

/**
 * A recovered socket (connection state recovery: same id, rooms restored by
 * Socket.IO) is back in its chat rooms, but presence dropped it on
 * disconnect: put it back, announcing the user if this is their first socket there.
 */
async function restorePresence(rooms: string[], ctx: ChatContext): Promise<void> {
  for (const room of rooms) {
    if (await ctx.presence.add(room, ctx.user, ctx.connection.id)) {
      ctx.publish.toRoom(chatRoom(room), "room:member-joined", { room, user: ctx.user }, { exceptSender: true });
    }
  }
}

export function attachChat(nsp: Namespace, deps: ChatDeps): void {
  // Presence cleanup still running, by socket id. A recovered socket has the
  // same id and waits for it, so the removal can never land after the re-add.
  const cleanups = new Map<string, Promise<void>>();
  const typing = typingCoalescer(deps.limits.typingCoalesceMs);
  const limits: ChatLimits = { maxRoomsPerUser: deps.limits.maxRoomsPerUser, maxListItems: deps.limits.maxListItems };
  nsp.on("connection", (socket) => {
    // A recovered socket skipped the token check: one whose token expired goes now.
    if (!enforceTokenExpiry(socket, deps.log)) return;
    // Every line about this connection carries its socket and user id.
    const log = deps.log.child({ socket: socket.id, user: socket.data.user.id });
    if (log.isLevelEnabled("debug")) {
      // Only then: a listener per connection is memory every idle socket pays for.
      log.debug({ recovered: socket.recovered, transport: socket.conn.transport.name }, "chat connected");
      socket.once("disconnect", (reason) => log.debug({ reason }, "chat disconnected"));
    }
    const ctx: ChatContext = {
      user: socket.data.user,
      connection: {
        id: socket.id,
        join: (room) => void socket.join(chatRoom(room)),
        leave: (room) => void socket.leave(chatRoom(room)),
        rooms: () => [...socket.rooms].map(chatRoomName).filter((r): r is string => r !== undefined),
      },
      store: deps.store,
      presence: deps.presence,
      publish: socketPublisher<ChatServerToClientEvents>(nsp, socket),
      log,
      limits,
      typing,
    };
    registerEvents(socket, chatNamespaceEvents, ctx, log, deps.hooks);

    // socket.rooms is already empty in "disconnect"; read it while it is not.
    socket.on("disconnecting", () => {
      const rooms = ctx.connection.rooms();
      // Presence only: Socket.IO leaves the rooms itself right after saving
      // them for recovery; leaving them here first would recover a socket
      // without its rooms.
      const presenceOnly: ChatContext = { ...ctx, connection: { ...ctx.connection, leave: () => {} } };
      const done: Promise<void> = leaveAllRooms(rooms, presenceOnly)
        .catch((err) => log.error({ err }, "presence cleanup failed"))
        .finally(() => cleanups.get(socket.id) === done && cleanups.delete(socket.id));
      cleanups.set(socket.id, done);
      deps.track?.(done);
    });

    if (socket.recovered) {
      const rooms = ctx.connection.rooms();
      void (cleanups.get(socket.id) ?? Promise.resolve())
        .then(() => restorePresence(rooms, ctx))
        .catch((err) => log.error({ err }, "presence restore failed"));
    }
  });
}
