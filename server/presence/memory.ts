/** Single-node presence kept in memory (the default; in-process adapter). */
import type { User } from "../protocol";
import type { Presence } from "./types";

interface Member {
  user: User;
  sockets: Set<string>;
}

export function createMemoryPresence(): Presence {
  // room -> userId -> member
  const rooms = new Map<string, Map<string, Member>>();

  return {
    async add(room, user, socketId) {
      let members = rooms.get(room);
      if (!members) rooms.set(room, (members = new Map()));
      const member = members.get(user.id);
      if (member) {
        member.sockets.add(socketId);
        return false;
      }
      members.set(user.id, { user, sockets: new Set([socketId]) });
      return true;
    },
    async remove(room, userId, socketId) {
      const members = rooms.get(room);
      const member = members?.get(userId);
      if (!members || !member || !member.sockets.delete(socketId)) return false;
      if (member.sockets.size > 0) return false;
      members.delete(userId);
      if (members.size === 0) rooms.delete(room);
      return true;
    },
    async isMember(room, userId) {
      return rooms.get(room)?.has(userId) ?? false;
    },
    async members(room) {
      return [...(rooms.get(room)?.values() ?? [])].map((m) => m.user);
    },
    async rooms() {
      return [...rooms].map(([room, members]) => ({ room, members: members.size }));
    },
    async roomsOf(userId) {
      return [...rooms].filter(([, members]) => members.has(userId)).map(([room]) => room);
    },
    async close() {
      rooms.clear();
    },
  };
}
