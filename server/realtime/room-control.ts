/**
 * Taking a user's sockets out of a chat room on every node (kicks and bans).
 * Each node removes its own sockets, because presence entries and the "is
 * this socket in the room" state live with the node that holds the socket:
 * this node directly, the others through `serverSideEmitWithAck` over the
 * Redis adapter (a node that does not answer in the adapter's request
 * timeout fails the call). Handlers see only the interface, never a socket.
 */
import { chatRoom, userRoom } from "./rooms";
import type { ChatNamespace } from "./typed-namespace";

export interface RoomControl {
  /** Every socket of `userId`, on every node, leaves chat room `room`; resolves with how many did. */
  removeUser(room: string, userId: string): Promise<number>;
}

/**
 * `leaveLocal` takes one socket of this node out of the room (presence,
 * `room:member-left` when it was the user's last socket there).
 *
 * @example
 * const control = namespaceRoomControl(chat, (socketId, room) => exitRoom(room, contexts.get(socketId)!));
 */
export function namespaceRoomControl(nsp: ChatNamespace, leaveLocal: (socketId: string, room: string) => Promise<void>): RoomControl {
  const removeLocal = async (room: string, userId: string) => {
    const sockets = [...(nsp.adapter.rooms.get(userRoom(userId)) ?? [])].filter((id) => nsp.adapter.rooms.get(chatRoom(room))?.has(id));
    // One at a time: presence decides "last socket" per removal.
    for (const id of sockets) await leaveLocal(id, room);
    return sockets.length;
  };
  nsp.on("chat:remove-user", (room, userId, ack) => {
    void removeLocal(room, userId).then(ack, () => ack(0));
  });
  return {
    async removeUser(room, userId) {
      const here = await removeLocal(room, userId);
      if ((await nsp.adapter.serverCount()) <= 1) return here;
      const others = (await nsp.serverSideEmitWithAck("chat:remove-user", room, userId)) as number[];
      return others.reduce((sum, n) => sum + n, here);
    },
  };
}
