/**
 * `/chat`: token auth (installed by the app), then the rooms, chat, search
 * and DM features through the registry. Membership (features/rooms/membership.ts)
 * owns what happens to rooms on disconnect and on recovery.
 */
import { deleteMessage } from "../features/chat/delete";
import { editMessage } from "../features/chat/edit";
import { reactMessage } from "../features/chat/react";
import { sendMessage } from "../features/chat/send";
import { messageHistory } from "../features/chat/history";
import { typing } from "../features/chat/typing";
import { typingCoalescer } from "../features/chat/typing-coalescer";
import type { ChatContext, ChatLimits } from "../features/context";
import { directHistory } from "../features/dm/history";
import { listConversations } from "../features/dm/list";
import { sendDirect } from "../features/dm/send";
import { joinRoom } from "../features/rooms/join";
import { leaveRoom } from "../features/rooms/leave";
import { listRooms } from "../features/rooms/list";
import { roomMembers } from "../features/rooms/members";
import { moderationHandlers } from "../features/moderation";
import { disconnectFromRooms, exitRoom, presenceAnnouncements, restoreRooms } from "../features/rooms/membership";
import { markRead } from "../features/read-state/read";
import { myRooms } from "../features/read-state/mine";
import { roomReceipts } from "../features/read-state/receipts";
import { searchMessages } from "../features/search/search";
import { chatPing } from "../features/system/ping";
import { chatAuthRefresh } from "../features/identity/refresh";
import type { IdentityVerifier } from "../auth/identity";
import type { Logger } from "../logger";
import type { PresenceChanges } from "../presence/open";
import type { Presence } from "../presence/types";
import type { ChatContract, ChatServerToClientEvents, User } from "../protocol";
import { applyIdentity, enforceTokenExpiry } from "../realtime/auth";
import { namespacePublisher, socketPublisher } from "../realtime/publisher";
import { registerEvents, type NamespaceHandlers, type RegistryHooks } from "../realtime/registry";
import { namespaceRoomControl } from "../realtime/room-control";
import { chatRoom, chatRoomName } from "../realtime/rooms";
import type { ChatNamespace } from "../realtime/typed-namespace";
import type { MessageStore } from "../storage/types";

/** Every `/chat` client event and its definition (the contract's events, all of them: checked by the compiler). */
export const chatHandlers: NamespaceHandlers<ChatContract, ChatContext> = {
  "room:join": joinRoom,
  "room:leave": leaveRoom,
  "room:list": listRooms,
  "room:members": roomMembers,
  "message:send": sendMessage,
  "message:history": messageHistory,
  "message:search": searchMessages,
  typing,
  "dm:send": sendDirect,
  "dm:history": directHistory,
  "message:edit": editMessage,
  "message:delete": deleteMessage,
  "message:react": reactMessage,
  "room:read": markRead,
  "room:mine": myRooms,
  "room:receipts": roomReceipts,
  "dm:list": listConversations,
  "system:ping": chatPing,
  "auth:refresh": chatAuthRefresh,
  ...moderationHandlers,
};

export interface ChatDeps {
  store: MessageStore;
  /** The handshake's token verifier, for `auth:refresh`. */
  identities: IdentityVerifier;
  /** Stores a user and its global roles (the handshake's `onUser`). */
  rememberUser(user: User, roles: readonly string[]): Promise<void>;
  presence: Presence;
  log: Logger;
  hooks: RegistryHooks<ChatContext>;
  limits: ChatLimits & { typingCoalesceMs: number };
  /** Hands background work (disconnect cleanup) to graceful shutdown, which waits for it. */
  track?(work: Promise<unknown>): void;
  /** What `session:welcome` tells each new socket besides its user and the time. */
  welcome?: Omit<Parameters<ChatServerToClientEvents["session:welcome"]>[0], "user" | "serverTime">;
  /** Who may moderate a room (ChatContext.canModerate); default: nobody. */
  canModerate?: ChatContext["canModerate"];
}

const nobodyModerates: ChatContext["canModerate"] = async () => false;

/**
 * What presence reports on its own (cluster), announced by membership in `/chat`.
 *
 * @example
 * const presence = await openPresence(redis, opts, log, chatPresenceChanges(chat));
 */
export function chatPresenceChanges(nsp: ChatNamespace): PresenceChanges {
  return presenceAnnouncements(namespacePublisher(nsp));
}

export function attachChat(nsp: ChatNamespace, deps: ChatDeps): void {
  // Presence cleanup still running, by socket id. A recovered socket has the
  // same id and waits for it, so the removal can never land after the re-add.
  const cleanups = new Map<string, Promise<void>>();
  const typingRelay = typingCoalescer(deps.limits.typingCoalesceMs);
  const limits: ChatLimits = { maxRoomsPerUser: deps.limits.maxRoomsPerUser, maxListItems: deps.limits.maxListItems };
  // This node's connections, so a kick or ban from any node runs exitRoom for the sockets held here.
  const contexts = new Map<string, ChatContext>();
  const roomControl = namespaceRoomControl(nsp, async (socketId, room) => {
    const ctx = contexts.get(socketId);
    if (ctx) await exitRoom(room, ctx);
  });
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
      publish: socketPublisher(nsp, socket),
      log,
      limits,
      typing: typingRelay,
      canModerate: deps.canModerate ?? nobodyModerates,
      roomControl,
      identities: deps.identities,
      rememberUser: deps.rememberUser,
      setIdentity: (identity) => {
        applyIdentity(socket, identity, deps.log);
        ctx.user = identity.user;
      },
    };
    registerEvents(socket, chatHandlers, ctx, log, deps.hooks);
    if (deps.welcome) socket.emit("session:welcome", { ...deps.welcome, user: socket.data.user, serverTime: Date.now() });

    // socket.rooms is already empty in "disconnect"; read it while it is not.
    contexts.set(socket.id, ctx);
    socket.on("disconnecting", () => {
      contexts.delete(socket.id);
      const done: Promise<void> = disconnectFromRooms(ctx.connection.rooms(), ctx)
        .catch((err) => log.error({ err }, "presence cleanup failed"))
        .finally(() => cleanups.get(socket.id) === done && cleanups.delete(socket.id));
      cleanups.set(socket.id, done);
      deps.track?.(done);
    });

    if (socket.recovered) {
      const rooms = ctx.connection.rooms();
      void (cleanups.get(socket.id) ?? Promise.resolve())
        .then(() => restoreRooms(rooms, ctx))
        .catch((err) => log.error({ err }, "presence restore failed"));
    }
  });
}
