/**
 * How a game reaches its players without knowing about sockets: connections
 * join and leave the game's broadcast group, and events go to the whole game
 * or to one connection. The `/game` namespace implements it with Socket.IO
 * rooms; tests can record it.
 */
import type { GameServerToClientEvents } from "../../protocol";

export type GameEvent = keyof GameServerToClientEvents;
export type GamePayload<K extends GameEvent> = Parameters<GameServerToClientEvents[K]>[0];

export interface GameTransport {
  /** Adds a connection to the game's broadcast group (the game's Socket.IO room). */
  join(connectionId: string, gameId: string): void;
  leave(connectionId: string, gameId: string): void;
  /** To every connection in the game's broadcast group. */
  toGame<K extends GameEvent>(gameId: string, event: K, payload: GamePayload<K>): void;
  /** To one connection (deltas: each carries the recipient's own `ackSeq`). */
  toConnection<K extends GameEvent>(connectionId: string, event: K, payload: GamePayload<K>): void;
}

/**
 * One client connection as the game layer sees it. `seat` is set by the room
 * that seats it and cleared when the seat is given up, taken over by another
 * tab, or the game is disposed.
 */
export interface GameConnection {
  readonly id: string;
  seat?: { gameId: string; playerId: string };
}
