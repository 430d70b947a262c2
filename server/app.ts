/**
 * createParlor(config): the whole service on one HTTP server — Express pages
 * and API, Socket.IO namespaces `/chat`, `/game` and `/system` — without listening.
 * Used by index.ts and by every test.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Server } from "socket.io";
import { createAdminUi } from "./admin/admin-ui";
import { knownUsers } from "./auth/known-users";
import { resolveSecret } from "./auth/secret";
import { createIdentityVerifier } from "./auth/identity";
import { createJwtVerifier } from "./auth/jwt";
import { createTokenSigner } from "./auth/tokens";
import type { Config } from "./config";
import { connectRedis } from "./cluster/redis";
import type { ChatContext } from "./features/context";
import { canModerate } from "./features/moderation";
import type { SystemContext } from "./features/system/context";
import { createExpressApp } from "./http/express-app";
import { docsRouter } from "./http/docs";
import { healthRouter } from "./http/health";
import { metricsRouter } from "./http/metrics";
import { pagesRouter } from "./http/pages";
import { sessionRouter } from "./http/session";
import { createLogger, type Logger } from "./logger";
import { MESSAGE_MAX, type User } from "./protocol";
import { tokenAuth, tokenExpiryAdmission } from "./realtime/auth";
import { refuseMsgpackBundle } from "./realtime/client-bundles";
import { attachChat, chatPresenceChanges } from "./namespaces/chat";
import { attachGame } from "./namespaces/game";
import { storedRoundArchive } from "./features/game/archive";
import { attachRoot } from "./namespaces/root";
import { attachSystem } from "./namespaces/system";
import { openPresence } from "./presence/open";
import type { Presence } from "./presence/types";
import type { GameContext, GameManager } from "./features/game";
import { REFUSAL_LOG_WINDOW_MS, type RegistryHooks } from "./realtime/registry";
import type { ChatNamespace, GameNamespace, SystemNamespace } from "./realtime/typed-namespace";
import { createEventBudgets } from "./security/event-budget";
import { createSampledLog } from "./security/sampled-log";
import { countConnections, countGameTicks, countStoredMessages, createMetrics, eventMetricsHooks, type ParlorMetrics } from "./metrics";
import { requestLog } from "./observability/request-log";
import { createSecurity } from "./security";
import { clientAddressResolver } from "./security/client-address";
import { guardTransport } from "./security/transport";
import { announceShutdown, closeClientConnections, createDrain, refuseNewConnections } from "./shutdown";
import { openStore } from "./storage";
import type { MessageStore } from "./storage/types";

export interface Parlor {
  httpServer: http.Server;
  io: Server;
  store: MessageStore;
  log: Logger;
  /** The `/game` games of this node. */
  games: GameManager;
  /** Who is in which chat room (cluster-wide with Redis). */
  presence: Presence;
  /** This instance's Prometheus metrics (`GET /metrics`). */
  metrics: ParlorMetrics;
  /**
   * First step of close(), on its own for tests: /healthz answers 503, new
   * connections are refused, connected clients get `system:shutdown`.
   */
  beginShutdown(): void;
  /** Listens on `port` (0 = ephemeral) and resolves with the bound port. */
  listen(port?: number, host?: string): Promise<number>;
  /**
   * Graceful stop, bounded by `shutdownTimeoutMs`: beginShutdown(), events in
   * flight finish (stored and acked), clients are disconnected (and reconnect
   * elsewhere), then presence, storage and Redis close. Idempotent.
   */
  close(): Promise<void>;
}

export async function createParlor(config: Config): Promise<Parlor> {
  const log = createLogger(config.logLevel, config.nodeId);
  const metrics = createMetrics(config.nodeId);
  // JWT keys first: a bad PARLOR_JWT_PUBLIC_KEY stops the start before anything needs closing.
  const jwt = config.identity.jwt ? await createJwtVerifier(config.identity.jwt) : undefined;
  // Socket.IO Admin UI (PARLOR_ADMIN_PASSWORD): first, before anything that would need closing if it failed.
  const admin = config.admin ? await createAdminUi(config.admin, { log, addressOf: clientAddressResolver(config.trustProxy) }) : undefined;
  // Events between receipt and ack, and disconnect cleanups: shutdown waits for them.
  const drain = createDrain();
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, log) : undefined;
  const opened = await openStore(config, log).catch(async (err) => {
    await redis?.close();
    throw err;
  });
  const store = countStoredMessages(opened.store, metrics);
  const signer = createTokenSigner(resolveSecret(config.secret, path.dirname(config.dbPath)), config.tokenTtlMs);
  // Guest session tokens and the backend's JWTs (PARLOR_GUESTS=0: JWTs only), at the handshake and in auth:refresh.
  const identities = createIdentityVerifier(config.identity.guests ? signer : undefined, jwt);
  const startedAt = Date.now();
  let shuttingDown = false;

  // Users are stored once per process, first-time users in shared writes (see known-users.ts).
  const users = knownUsers(store);
  const rememberUser = (user: User, roles?: readonly string[]) => users.remember(user, roles);
  // With Redis the rate limits are per user across the cluster, not per node.
  const security = createSecurity(config, log, redis ? { redis: { client: redis.client, useRedisPackage: true } } : {});
  const app = createExpressApp(
    [
      healthRouter(
        () => shuttingDown,
        () => store.health(),
        log,
      ),
      metricsRouter(metrics.registry, config.metricsToken),
      sessionRouter(config.identity.guests ? signer : undefined, rememberUser, security.sessionLimit),
      pagesRouter({ winScore: config.gameWinScore }),
      docsRouter(),
      ...(admin ? [admin.router] : []),
    ],
    log,
    [requestLog(log, metrics), ...security.http],
    config.trustProxy,
  );
  const httpServer = http.createServer(app);
  const io = new Server(httpServer, {
    ...security.io,
    maxHttpBufferSize: config.maxPayloadBytes,
    serveClient: true,
    // Short drops (Wi-Fi hiccup, proxy restart) resume with the same socket id,
    // rooms and the events missed meanwhile. Best effort only: it is in-memory
    // and per node; `room:join { sinceSeq }` is the guarantee across restarts.
    ...(config.recoveryMs > 0 ? { connectionStateRecovery: { maxDisconnectionDuration: config.recoveryMs, skipMiddlewares: true } } : {}),
    // Rooms, DMs, presence events and fetchSockets() reach every node. The Redis
    // adapter keeps no sessions, so recovery above is off on a cluster: clients
    // rejoin with sinceSeq, which also covers a node that died.
    ...(redis ? { adapter: redis.adapter } : {}),
  });
  // Host check, connection caps, client address, Engine.IO headers, slow consumers (server/security/transport.ts).
  const transport = guardTransport(io, httpServer, config, log);
  const hooks = <Ctx>(namespace: string): RegistryHooks<Ctx> => ({ ...eventMetricsHooks<Ctx>(metrics, namespace), onStart: drain.enter });
  // Event budgets and per-user caps (server/security/event-budget.ts, README "Limits").
  const refusals = createSampledLog(REFUSAL_LOG_WINDOW_MS);
  const budgets = createEventBudgets(config.limits, log, transport.addressOf, refusals);
  const tokenExpiry = tokenExpiryAdmission(log);
  const authOptions = { maxSocketsPerUser: config.limits.maxSocketsPerUser };

  const chat: ChatNamespace = io.of("/chat");
  const presence = await openPresence(redis, { nodeId: config.nodeId, ttlMs: config.presenceTtlMs }, log, chatPresenceChanges(chat)).catch(
    async (err) => {
      await store.close();
      await redis?.close();
      throw err;
    },
  );
  chat.use(tokenAuth(identities, rememberUser, log, authOptions));
  attachChat(chat, {
    store,
    identities,
    rememberUser,
    presence,
    log,
    limits: config.limits,
    hooks: { ...hooks<ChatContext>("/chat"), admit: [tokenExpiry], guards: [security.guard<ChatContext>("chat")], refusals },
    track: drain.track,
    canModerate,
    welcome: {
      node: config.nodeId,
      limits: {
        ratePerSec: config.rateLimit.perSecond,
        burst: config.rateLimit.burst,
        maxPayload: config.maxPayloadBytes,
        messageMax: MESSAGE_MAX,
      },
    },
  });

  const gameNsp: GameNamespace = io.of("/game");
  gameNsp.use(tokenAuth(identities, rememberUser, log, authOptions));
  const { games, cluster: gameCluster } = attachGame(gameNsp, {
    log,
    identities,
    rememberUser,
    limits: config.limits,
    // Its own budget, apart from chat; game:input has a cheap per-connection one, checked before validation.
    hooks: {
      ...hooks<GameContext>("/game"),
      admit: [tokenExpiry, budgets.gameInput],
      guards: [security.guard<GameContext>("game")],
      refusals,
    },
    options: { reservationMs: config.gameReservationMs, restartDelayMs: config.gameRestartMs, winScore: config.gameWinScore },
    // Recorded rounds live in the store's database (replays survive restarts; on PostgreSQL, every node's).
    archive: store.rounds ? storedRoundArchive(store.rounds, { perGame: config.gameReplaysPerGame }) : undefined,
    roundsPerGame: config.gameReplaysPerGame,
    // With Redis, every node lists and joins every node's games (features/game/cluster.ts).
    cluster: redis ? { redis, nodeId: config.nodeId, ttlMs: config.presenceTtlMs } : undefined,
  });
  await gameCluster?.start();

  const systemCtx: SystemContext = {
    async state() {
      return {
        connectedClients: io.engine.clientsCount,
        uptime: Math.round((Date.now() - startedAt) / 1000),
        rooms: (await presence.rooms()).length,
        games: games.count,
        node: config.nodeId,
      };
    },
  };
  // No user: every event (unknown ones too) is budgeted per connection and per client address.
  const systemHooks: RegistryHooks<SystemContext> = { ...hooks<SystemContext>("/system"), admit: [budgets.system], refusals };
  const system: SystemNamespace = io.of("/system");
  attachSystem(system, systemCtx, log, systemHooks);
  // `io(url)` without a namespace lands here: answer, don't hang (its own budget, by address).
  attachRoot(io.of("/"), security.guard<undefined>("root"));
  refuseMsgpackBundle(httpServer);
  // After every other namespace exists, so the Admin UI sees them all.
  admin?.attach(io);

  const namespaces = [chat, gameNsp, system];
  for (const nsp of namespaces) countConnections(metrics, nsp);
  countGameTicks(metrics, games);
  log.info({ store: opened.kind, adapter: redis ? "redis" : "memory" }, "parlor ready");
  if (redis && !config.secret)
    log.warn("PARLOR_REDIS_URL without PARLOR_SECRET: nodes accept each other's tokens only if they share the data folder");
  if (redis && opened.kind === "sqlite")
    log.warn("cluster on SQLite: every node must open the same file on this machine; use DATABASE_URL across machines");

  const beginShutdown = () => {
    if (shuttingDown) return;
    shuttingDown = true;
    refuseNewConnections(io, namespaces);
    announceShutdown(namespaces, "server shutting down");
    log.info({ clients: io.engine.clientsCount, inFlight: drain.pending }, "shutdown: refusing connections, clients told");
  };

  let closing: Promise<void> | undefined;
  return {
    httpServer,
    io,
    store,
    log,
    games,
    presence,
    metrics,
    beginShutdown,
    listen(port = config.port, host = config.host) {
      return new Promise((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          httpServer.off("error", reject);
          resolve((httpServer.address() as AddressInfo).port);
        });
      });
    },
    close() {
      closing ??= (async () => {
        beginShutdown();
        // Events already received finish first: their writes commit and their acks go out.
        if (!(await drain.idle(config.shutdownTimeoutMs)))
          log.warn({ inFlight: drain.pending }, "shutdown: events still in flight at the timeout");
        // This node's games end for their players on every node (game:over { reason: "node_stopped" }) and leave the list.
        await gameCluster?.stop();
        // Transport close (not a server "disconnect"), so clients reconnect on their own, to another node.
        await closeClientConnections(namespaces, Math.min(2000, config.shutdownTimeoutMs));
        // Whatever is still open (a peer that ignores the WebSocket close frame, a backlog that never drains) is destroyed.
        await transport.closeRemaining(Math.min(1000, config.shutdownTimeoutMs));
        transport.stop();
        games.disposeAll();
        await new Promise<void>((resolve) => io.close(() => resolve()));
        // Disconnect cleanups (presence, room:member-left to the other nodes) finish before Redis goes.
        await drain.idle(config.shutdownTimeoutMs);
        await presence.close();
        // Last, after io: no new event can arrive. close() commits the writes
        // already queued; a write attempted later fails, and its client, having
        // no ack, retries with the same clientId on the next server.
        await users.flush().catch((err) => log.warn({ err }, "shutdown: storing signed-in users failed"));
        await store.close();
        await redis?.close();
        log.info("shutdown complete");
      })();
      return closing;
    },
  };
}
