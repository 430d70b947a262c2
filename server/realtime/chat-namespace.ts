/**
 * `/chat`: token auth, then the chat, rooms, search and DM features through
 * the registry. On disconnect the connection leaves its rooms (presence).
 */
import type { Namespace } from "socket.io";
import { chatEvents } from "../features/chat";
import type { ChatContext } from "../features/context";
import { dmEvents } from "../features/dm";
import type { Presence } from "../features/presence/types";
import { leaveAllRooms, roomEvents } from "../features/rooms";
import { searchEvents } from "../features/search";
import type { Logger } from "../logger";
import type { ChatServerToClientEvents } from "../protocol";
import type { MessageStore } from "../storage/types";
import { socketPublisher } from "./publisher";
import { registerEvents, type RegistryHooks } from "./registry";
import { chatRoom, chatRoomName } from "./rooms";

export const chatNamespaceEvents = [...roomEvents, ...chatEvents, ...searchEvents, ...dmEvents];

export interface ChatDeps {
  store: MessageStore;
  presence: Presence;
  log: Logger;
  hooks: RegistryHooks<ChatContext>;
}

export function attachChat(nsp: Namespace, deps: ChatDeps): void {
  nsp.on("connection", (socket) => {
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
      log: deps.log,
    };
    registerEvents(socket, chatNamespaceEvents, ctx, deps.log, deps.hooks);

    // socket.rooms is already empty in "disconnect"; read it while it is not.
    socket.on("disconnecting", () => {
      const rooms = ctx.connection.rooms();
      leaveAllRooms(rooms, ctx).catch((err) => deps.log.error({ err }, "presence cleanup failed"));
    });
  });
}
