/**
 * createParlor(config): the whole service on one HTTP server — Express pages
 * and API, Socket.IO namespaces `/chat`, `/game` and `/system` — without listening.
 * Used by index.ts and by every test.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Server } from "socket.io";
import { resolveSecret } from "./auth/secret";
import { createTokenSigner } from "./auth/tokens";
import type { Config } from "./config";
import type { ChatContext } from "./features/context";
import { createMemoryPresence } from "./features/presence/memory";
import { systemEvents, type SystemContext } from "./features/system";
import { createExpressApp } from "./http/express-app";
import { docsRouter } from "./http/docs";
import { healthRouter } from "./http/health";
import { pagesRouter } from "./http/pages";
import { sessionRouter } from "./http/session";
import { createLogger, type Logger } from "./logger";
import type { User } from "./protocol";
import { tokenAuth } from "./realtime/auth";
import { attachChat } from "./realtime/chat-namespace";
import { attachGame } from "./realtime/game-namespace";
import type { GameManager } from "./features/game";
import { registerEvents } from "./realtime/registry";
import { createSecurity } from "./security";
import { openSqliteStore } from "./storage/sqlite";
import type { MessageStore } from "./storage/types";

export interface Parlor {
  httpServer: http.Server;
  io: Server;
  store: MessageStore;
  log: Logger;
  /** The `/game` games of this node. */
  games: GameManager;
  /** Listens on `port` (0 = ephemeral) and resolves with the bound port. */
  listen(port?: number, host?: string): Promise<number>;
  /** Stops accepting, disconnects every client, closes storage. Idempotent. */
  close(): Promise<void>;
}

export async function createParlor(config: Config): Promise<Parlor> {
  const log = createLogger(config.logLevel, config.nodeId);
  const store = openSqliteStore(config.dbPath, { synchronous: config.sqliteSync, groupCommit: config.groupCommit });
  const presence = createMemoryPresence();
  const signer = createTokenSigner(resolveSecret(config.secret, path.dirname(config.dbPath)), config.tokenTtlMs);
  const startedAt = Date.now();
  let shuttingDown = false;

  const rememberUser = (user: User) => store.saveUser(user);
  const security = createSecurity(config, log);
  const app = createExpressApp(
    [healthRouter(() => shuttingDown), sessionRouter(signer, rememberUser, security.sessionLimit), pagesRouter(), docsRouter()],
    log,
    security.http,
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
  });

  const chat = io.of("/chat");
  chat.use(tokenAuth(signer, rememberUser));
  attachChat(chat, { store, presence, log, hooks: { guards: [security.guard<ChatContext>("chat")] } });

  const gameNsp = io.of("/game");
  gameNsp.use(tokenAuth(signer, rememberUser));
  const games = attachGame(gameNsp, {
    log,
    options: { reservationMs: config.gameReservationMs, restartDelayMs: config.gameRestartMs },
  });

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
  // System events are exempt (rateLimited: false); the guard limits unknown-event floods by address.
  const systemGuard = security.guard<SystemContext>("system");
  io.of("/system").on("connection", (socket) => registerEvents(socket, systemEvents, systemCtx, log, { guards: [systemGuard] }));

  let closing: Promise<void> | undefined;
  return {
    httpServer,
    io,
    store,
    log,
    games,
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
        shuttingDown = true;
        games.disposeAll();
        await new Promise<void>((resolve) => io.close(() => resolve()));
        await presence.close();
        // Last: no socket can queue a write any more, and close() commits the
        // writes already queued (their acks were promised "stored").
        await store.close();
      })();
      return closing;
    },
  };
}
