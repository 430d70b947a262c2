/**
 * How a game reaches its players without knowing about sockets: connections
 * join and leave the game's broadcast group, and events go to the whole game
 * or to one connection. The `/game` namespace implements it with Socket.IO
 * rooms; tests can record it.
 */
import type { GameServerToClientEvents } from "../../protocol";
import type { Emitter } from "../../realtime/publisher";

export type GameEvent = keyof GameServerToClientEvents;
export type GamePayload<K extends GameEvent> = Parameters<GameServerToClientEvents[K]>[0];
/** Socket.IO's typed `emit` for `/game` server events. */
export type GameEmitter = Emitter<GameServerToClientEvents>;

/**
 * The broadcast group of a game's spectators: one encode per tick for all of
 * them (their deltas carry no `ackSeq` of their own). Group ids are opaque to
 * the transport, like game ids.
 */
export const spectatorGroup = (gameId: string, extrapolate: boolean): string => `${gameId}/spectators${extrapolate ? "-x" : ""}`;

export interface GameTransport {
  /** Adds a connection to a broadcast group: a game's (the game's Socket.IO room), or `spectatorGroup(gameId, …)`. */
  join(connectionId: string, gameId: string): void;
  leave(connectionId: string, gameId: string): void;
  /** To every connection in a broadcast group (a game's: its players and spectators). */
  toGame(gameId: string): GameEmitter;
  /** To one connection (deltas: each carries the recipient's own `ackSeq`); undefined when it is gone. */
  toConnection(connectionId: string): GameEmitter | undefined;
}

/**
 * One client connection as the game layer sees it. `seat` is set by the room
 * that seats it and cleared when the seat is given up, taken over by another
 * tab, or the game is disposed; `spectating` likewise for a spectator. A
 * connection does one thing at a time (the manager sees to it).
 */
export interface GameConnection {
  readonly id: string;
  seat?: { gameId: string; playerId: string };
  spectating?: { gameId: string };
  /**
   * Cluster only: the connection is seated in (or watching) a game that another
   * node runs; its inputs, leave and disconnect go to that node (cluster.ts).
   */
  remote?: { gameId: string; node: string; as: "seat" | "spectator" };
}

/**
 * A transport that also reaches connections of other nodes (cluster only): a
 * connection added with `addRemote` is reached through the Socket.IO adapter
 * (its socket id is a room on every node) until `removeRemote`.
 */
export interface ClusterTransport extends GameTransport {
  addRemote(connectionId: string): void;
  removeRemote(connectionId: string): void;
}
