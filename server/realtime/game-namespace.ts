/**
 * `/game`: token auth (installed by the app), then the Orbs events through
 * the registry. Each game is a Socket.IO room (`gameRoom(id)`); deltas go to
 * each seated socket on its own because each carries that player's `ackSeq`.
 * A lost connection keeps its seat for the reservation time.
 */
import type { Namespace } from "socket.io";
import { gameEvents, GameManager, type GameConnection, type GameContext, type GameOptions, type GameTransport } from "../features/game";
import type { Logger } from "../logger";
import { enforceTokenExpiry } from "./auth";
import { registerEvents, type RegistryHooks } from "./registry";
import { gameRoom } from "./rooms";

export interface GameDeps {
  log: Logger;
  hooks?: RegistryHooks<GameContext>;
  /** Rule and timing overrides (defaults from PROTOCOL.md). */
  options?: Partial<GameOptions>;
  /** Per-user caps (default: none). */
  limits?: { maxGamesPerUser: number; maxListItems: number };
}

type Emit = (event: string, ...args: unknown[]) => boolean;

/** The game transport over a namespace: Socket.IO rooms for games, direct emits for one connection. */
export function namespaceTransport(nsp: Namespace): GameTransport {
  return {
    join: (connectionId, gameId) => void nsp.sockets.get(connectionId)?.join(gameRoom(gameId)),
    leave: (connectionId, gameId) => void nsp.sockets.get(connectionId)?.leave(gameRoom(gameId)),
    toGame: (gameId, event, payload) => void (nsp.to(gameRoom(gameId)).emit as Emit)(event, payload),
    toConnection(connectionId, event, payload) {
      // The per-tick hot path: a local socket lookup instead of an adapter broadcast.
      const socket = nsp.sockets.get(connectionId);
      if (socket) (socket.emit as Emit)(event, payload);
    },
  };
}

/**
 * Wires `/game` and returns its game manager (for `system:state`, shutdown
 * and instrumentation).
 *
 * @example
 * const nsp = io.of("/game");
 * nsp.use(tokenAuth(signer, rememberUser));
 * const games = attachGame(nsp, { log });
 */
export function attachGame(nsp: Namespace, deps: GameDeps): GameManager {
  const games = new GameManager({
    transport: namespaceTransport(nsp),
    options: deps.options,
    onError: (err, gameId) => deps.log.error({ err, gameId }, "game tick failed"),
    maxGamesPerUser: deps.limits?.maxGamesPerUser,
  });
  const maxListItems = deps.limits?.maxListItems ?? Infinity;
  nsp.on("connection", (socket) => {
    // A recovered socket skipped the token check: one whose token expired goes now.
    if (!enforceTokenExpiry(socket, deps.log)) return;
    const connection: GameConnection = { id: socket.id };
    const ctx: GameContext = { user: socket.data.user, connection, games, log: deps.log, maxListItems };
    registerEvents(socket, gameEvents, ctx, deps.log, deps.hooks);
    socket.on("disconnect", () => games.disconnect(connection));
  });
  return games;
}
