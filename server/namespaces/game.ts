/**
 * `/game`: token auth (installed by the app), then the Orbs events through
 * the registry. Each game is a Socket.IO room (`gameRoom(id)`); deltas go to
 * each seated socket on its own because each carries that player's `ackSeq`.
 * A lost connection keeps its seat for the reservation time.
 */
import { GameManager, type GameConnection, type GameContext, type GameOptions, type GameTransport } from "../features/game";
import type { RoundArchive } from "../features/game/archive";
import { createGame } from "../features/game/create";
import { gameInput } from "../features/game/input";
import { joinGame } from "../features/game/join";
import { leaveGame } from "../features/game/leave";
import { listGames } from "../features/game/list";
import { quickplay } from "../features/game/quickplay";
import { replayRound } from "../features/game/replay-round";
import { listReplays } from "../features/game/replays";
import { spectateGame } from "../features/game/spectate";
import { gameAuthRefresh } from "../features/identity/refresh";
import { gamePing } from "../features/system/ping";
import type { IdentityVerifier } from "../auth/identity";
import type { Logger } from "../logger";
import type { GameContract, User } from "../protocol";
import { applyIdentity, enforceTokenExpiry } from "../realtime/auth";
import { registerEvents, type NamespaceHandlers, type RegistryHooks } from "../realtime/registry";
import { gameRoom } from "../realtime/rooms";
import type { GameNamespace } from "../realtime/typed-namespace";

/** Every `/game` client event and its definition (the contract's events, all of them: checked by the compiler). */
export const gameHandlers: NamespaceHandlers<GameContract, GameContext> = {
  "game:list": listGames,
  "game:create": createGame,
  "game:join": joinGame,
  "game:quickplay": quickplay,
  "game:leave": leaveGame,
  "game:input": gameInput,
  "game:spectate": spectateGame,
  "game:replays": listReplays,
  "game:replay": replayRound,
  "auth:refresh": gameAuthRefresh,
  "system:ping": gamePing,
};

export interface GameDeps {
  log: Logger;
  /** The handshake's token verifier, for `auth:refresh`. */
  identities: IdentityVerifier;
  /** Stores a user and its global roles (the handshake's `onUser`). */
  rememberUser(user: User, roles: readonly string[]): Promise<void>;
  hooks?: RegistryHooks<GameContext>;
  /** Rule and timing overrides (defaults from PROTOCOL.md). */
  options?: Partial<GameOptions>;
  /** Where finished rounds are kept (default: in memory, `roundsPerGame` per game). */
  archive?: RoundArchive;
  /** Rounds the in-memory archive keeps per game (PARLOR_GAME_REPLAYS_PER_GAME). */
  roundsPerGame?: number;
  /** Per-user caps (default: none). */
  limits?: { maxGamesPerUser: number; maxListItems: number };
}

/** The game transport over a namespace: Socket.IO rooms for games, direct emits for one connection. */
export function namespaceTransport(nsp: GameNamespace): GameTransport {
  return {
    join: (connectionId, gameId) => void nsp.sockets.get(connectionId)?.join(gameRoom(gameId)),
    leave: (connectionId, gameId) => void nsp.sockets.get(connectionId)?.leave(gameRoom(gameId)),
    toGame: (gameId) => nsp.to(gameRoom(gameId)),
    // The per-tick hot path: a local socket lookup instead of an adapter broadcast.
    toConnection: (connectionId) => nsp.sockets.get(connectionId),
  };
}

/**
 * Wires `/game` and returns its game manager (for `system:state`, shutdown
 * and instrumentation).
 *
 * @example
 * const nsp: GameNamespace = io.of("/game");
 * nsp.use(tokenAuth(signer, rememberUser));
 * const games = attachGame(nsp, { log });
 */
export function attachGame(nsp: GameNamespace, deps: GameDeps): GameManager {
  const games = new GameManager({
    transport: namespaceTransport(nsp),
    options: deps.options,
    onError: (err, gameId) => deps.log.error({ err, gameId }, "game tick failed"),
    maxGamesPerUser: deps.limits?.maxGamesPerUser,
    archive: deps.archive,
    roundsPerGame: deps.roundsPerGame,
  });
  const maxListItems = deps.limits?.maxListItems ?? Infinity;
  nsp.on("connection", (socket) => {
    // A recovered socket skipped the token check: one whose token expired goes now.
    if (!enforceTokenExpiry(socket, deps.log)) return;
    const connection: GameConnection = { id: socket.id };
    const ctx: GameContext = {
      user: socket.data.user,
      connection,
      games,
      log: deps.log,
      maxListItems,
      identities: deps.identities,
      rememberUser: deps.rememberUser,
      setIdentity: (identity) => {
        applyIdentity(socket, identity, deps.log);
        ctx.user = identity.user;
      },
    };
    registerEvents(socket, gameHandlers, ctx, deps.log, deps.hooks);
    socket.on("disconnect", () => games.disconnect(connection));
  });
  return games;
}
