/**
 * `/game`: token auth (installed by the app), then the Orbs events through
 * the registry. Each game is a Socket.IO room (`gameRoom(id)`); deltas go to
 * each seated socket on its own because each carries that player's `ackSeq`.
 * A lost connection keeps its seat for the reservation time.
 */
import { GameManager, type GameConnection, type GameContext, type GameOptions, type GameTransport } from "../features/game";
import { redisGameBus } from "../cluster/game-bus";
import { redisGameRegistry } from "../cluster/game-registry";
import type { RedisConnections } from "../cluster/redis";
import { GameCluster } from "../features/game/cluster";
import type { ClusterTransport, GameEmitter } from "../features/game/transport";
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
  /** With Redis: the games are shared by the cluster (features/game/cluster.ts). */
  cluster?: { redis: RedisConnections; nodeId: string; ttlMs: number };
}

/** What attachGame returns: the node's games, and on a cluster the router that shares them. */
export interface GameNamespaceHandle {
  games: GameManager;
  /** Set with `deps.cluster`: start() before serving, stop() first in a graceful shutdown (ends this node's games). */
  cluster?: GameCluster;
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
 * The transport of a cluster node: local sockets as above; sockets of other
 * nodes seated or watching here through the adapter (a socket id is a room on
 * every node, and `socketsJoin` / `socketsLeave` reach the node holding it).
 */
export function clusterTransport(nsp: GameNamespace): ClusterTransport {
  const local = namespaceTransport(nsp);
  const remote = new Map<string, GameEmitter>();
  return {
    join(connectionId, gameId) {
      if (remote.has(connectionId)) nsp.in(connectionId).socketsJoin(gameRoom(gameId));
      else local.join(connectionId, gameId);
    },
    leave(connectionId, gameId) {
      if (remote.has(connectionId)) nsp.in(connectionId).socketsLeave(gameRoom(gameId));
      else local.leave(connectionId, gameId);
    },
    toGame: local.toGame,
    toConnection: (connectionId) => nsp.sockets.get(connectionId) ?? remote.get(connectionId),
    addRemote: (connectionId) => void remote.set(connectionId, nsp.to(connectionId)),
    removeRemote: (connectionId) => void remote.delete(connectionId),
  };
}

/**
 * Wires `/game` and returns its game manager (for `system:state`, shutdown
 * and instrumentation).
 *
 * @example
 * const nsp: GameNamespace = io.of("/game");
 * nsp.use(tokenAuth(signer, rememberUser));
 * const { games, cluster } = attachGame(nsp, { log });
 */
export function attachGame(nsp: GameNamespace, deps: GameDeps): GameNamespaceHandle {
  const transport = deps.cluster ? clusterTransport(nsp) : namespaceTransport(nsp);
  const games = new GameManager({
    transport,
    options: deps.options,
    onError: (err, gameId) => deps.log.error({ err, gameId }, "game tick failed"),
    maxGamesPerUser: deps.limits?.maxGamesPerUser,
    archive: deps.archive,
    roundsPerGame: deps.roundsPerGame,
  });
  const maxListItems = deps.limits?.maxListItems ?? Infinity;
  const cluster = deps.cluster && newCluster(deps.cluster, games, transport as ClusterTransport, deps.log);
  nsp.on("connection", (socket) => {
    // A recovered socket skipped the token check: one whose token expired goes now.
    if (!enforceTokenExpiry(socket, deps.log)) return;
    const connection: GameConnection = { id: socket.id };
    const ctx: GameContext = {
      user: socket.data.user,
      connection,
      games,
      cluster,
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
    socket.on("disconnect", () => (cluster ? cluster.disconnect(connection) : games.disconnect(connection)));
  });
  return { games, cluster };
}

function newCluster(deps: NonNullable<GameDeps["cluster"]>, games: GameManager, transport: ClusterTransport, log: Logger): GameCluster {
  const onError = (err: unknown) => log.warn({ err }, "game cluster: redis request failed");
  return new GameCluster({
    nodeId: deps.nodeId,
    games,
    transport,
    registry: redisGameRegistry(deps.redis.client, { ttlMs: deps.ttlMs }),
    bus: redisGameBus(deps.redis.client, deps.redis.subscriber, { nodeId: deps.nodeId, onError }),
    onError,
  });
}
