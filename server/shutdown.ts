/**
 * Pieces of a graceful shutdown: counting the work in flight (so it can
 * finish before storage closes), refusing new connections, and telling the
 * connected clients before they are let go.
 */
import type { Namespace, Server } from "socket.io";
import type { Shutdown } from "./protocol";
import { handshakeError } from "./realtime/auth";

/** What clients are told, in `system:shutdown`: a reconnect after about this long reaches another node or this one restarted. */
export const RECONNECT_AFTER_MS = 1000;

/** Work in flight: event handlers between receipt and ack, disconnect cleanups. */
export interface Drain {
  /** Marks one unit of work started; call the returned function once when it ends. */
  enter(): () => void;
  /** Tracks a promise as one unit of work; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Work in flight now. */
  readonly pending: number;
  /** Resolves true once nothing is in flight, or false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean>;
}

/**
 * @example
 * const drain = createDrain();
 * const done = drain.enter(); try { await work(); } finally { done(); }
 * await drain.idle(5000);
 */
export function createDrain(): Drain {
  let pending = 0;
  let waiters: (() => void)[] = [];
  const enter = () => {
    pending++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      if (--pending === 0) {
        const wake = waiters;
        waiters = [];
        wake.forEach((w) => w());
      }
    };
  };
  return {
    enter,
    track(work) {
      const done = enter();
      work.then(done, done);
      return work;
    },
    get pending() {
      return pending;
    },
    idle(timeoutMs) {
      if (pending === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== wake);
          resolve(false);
        }, timeoutMs);
        const wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
        waiters.push(wake);
      });
    },
  };
}

type AllowRequest = NonNullable<Server["engine"]["opts"]["allowRequest"]>;

/**
 * From now on, new Engine.IO handshakes answer 403 and new namespace
 * connections (over an existing connection) fail with `connect_error`, so a
 * client's reconnect goes to another node. (Engine.IO reads `allowRequest`
 * at each handshake, so replacing it now takes effect at once; requests of
 * connections already open do not go through it.)
 */
export function refuseNewConnections(io: Server, namespaces: Namespace[]): void {
  const refuse: AllowRequest = (_req, callback) => callback("server shutting down", false);
  io.engine.opts.allowRequest = refuse;
  for (const nsp of namespaces) {
    nsp.use((_socket, next) => next(handshakeError("INTERNAL", "server shutting down: reconnect shortly")));
  }
}

/** A namespace whose contract has `system:shutdown` (every Parlor namespace: server/protocol/lifecycle.ts). */
export interface ShutdownAnnouncer {
  local: { emit(event: "system:shutdown", payload: Shutdown): boolean };
}

/**
 * Sends `system:shutdown` to this node's sockets only (`local`: with the
 * Redis adapter a plain emit would reach every node's clients).
 */
export function announceShutdown(namespaces: readonly ShutdownAnnouncer[], reason: string): void {
  const payload: Shutdown = { reason, reconnectAfterMs: RECONNECT_AFTER_MS };
  for (const nsp of namespaces) nsp.local.emit("system:shutdown", payload);
}

/**
 * Closes every client connection of this node after its queued packets are
 * written (engine `close()` waits for the write buffer, so `system:shutdown`
 * goes out first), and resolves once all are closed or after `timeoutMs`.
 * The clients see a transport close, which Socket.IO clients answer by
 * reconnecting on their own, unlike a server-side `disconnect()` after which
 * they stay offline.
 */
export async function closeClientConnections(namespaces: Namespace[], timeoutMs: number): Promise<void> {
  // One engine connection may carry several namespaces (multiplexing): close each once.
  const clients = [...new Set(namespaces.flatMap((nsp) => [...nsp.sockets.values()].map((socket) => socket.conn)))];
  const closed = clients.map((client) => new Promise<void>((resolve) => client.once("close", () => resolve())));
  for (const client of clients) client.close();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(closed), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
}
