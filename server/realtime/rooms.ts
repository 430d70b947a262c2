/**
 * Socket.IO room names, built only here so no call site string-builds one.
 * Prefixes keep chat rooms, users and games from ever colliding.
 */
export const chatRoom = (name: string) => `chat:${name}`;
export const userRoom = (userId: string) => `user:${userId}`;
export const gameRoom = (gameId: string) => `game:${gameId}`;

/** The chat room name inside a Socket.IO room name, or undefined for other rooms. */
export function chatRoomName(socketRoom: string): string | undefined {
  return socketRoom.startsWith("chat:") ? socketRoom.slice(5) : undefined;
}
