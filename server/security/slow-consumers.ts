/**
 * Slow consumers are bounded. Socket.IO queues every packet for a client
 * that does not read: first in Engine.IO's write buffer (while the transport
 * is busy), then in the WebSocket's and the TCP socket's buffers. A client
 * that answers pings but never reads stays "alive" to the heartbeat while
 * the server keeps its backlog without bound (measured: 200 such sockets
 * under 8 posting users, RSS +4.3 MB/s). So each packet handed to a
 * connection checks its unsent bytes, and past `maxBufferedBytes` the
 * connection is cut off: a chat client catches up with `room:join { sinceSeq }`,
 * a game client resyncs from `game:state`.
 *
 * Cutting off must be cheap even for hundreds at once (measured before:
 * a 16–26 s event-loop stall, Engine.IO writing the whole backlog into dead
 * sockets and building an Error with a stack trace per write). So the
 * backlog is discarded rather than flushed, the raw socket is destroyed
 * with one shared error (Node hands that same error to every pending write
 * instead of creating one per write), and the dead transport's per-write
 * error reports are silenced.
 */
import type { Server } from "socket.io";
import type { Logger } from "../logger";
import type { AddressOf } from "./client-address";
import { createSampledLog } from "./sampled-log";

/** How often every connection is checked as well (backlogs also grow from writes already queued). */
export const SLOW_CONSUMER_SWEEP_MS = 1000;

/** The parts of Engine.IO's (untyped) internals used here. */
interface EnginePacket {
  data?: unknown;
}
interface EngineTransport {
  name: string;
  onError(...args: unknown[]): void;
  /** ws WebSocket (websocket transport). */
  socket?: { bufferedAmount?: number; _socket?: { destroy(err?: Error): void; destroyed?: boolean } };
}
interface EngineConn {
  id: string;
  readyState: string;
  request: import("node:http").IncomingMessage;
  writeBuffer: EnginePacket[];
  packetsFn: unknown[];
  sentCallbackFn: unknown[];
  transport: EngineTransport;
  on(event: "packetCreate", fn: (packet: EnginePacket) => void): void;
  on(event: "flush", fn: () => void): void;
  on(event: "upgrade", fn: (transport: EngineTransport) => void): void;
  once(event: "close", fn: () => void): void;
  close(discard?: boolean): void;
}

function packetBytes(packet: EnginePacket): number {
  const data = packet.data;
  if (typeof data === "string") return data.length;
  if (data && typeof (data as ArrayBufferLike).byteLength === "number") return (data as ArrayBufferLike).byteLength;
  return 8;
}

/** Bytes handed to the transport and not yet sent: ws's buffer plus the TCP socket's (ws sums both). */
function transportBytes(conn: EngineConn): number {
  return conn.transport.socket?.bufferedAmount ?? 0;
}

export interface SlowConsumers {
  /** Connections cut off so far. */
  readonly cutOff: number;
  /** Unsent bytes of one connection (queue + transport), for tests. */
  backlogOf(connId: string): number;
  stop(): void;
}

/**
 * Drops a connection's backlog and closes it at once, without writing into
 * it: no flush of the queue, no close handshake with a peer that does not read.
 */
export function discardConnection(conn: EngineConn, reason: Error): void {
  conn.writeBuffer.length = 0;
  conn.packetsFn = [];
  conn.sentCallbackFn = [];
  const transport = conn.transport;
  // Each pending write of the dead socket reports its failure; one Error each is the stall measured.
  transport.onError = () => {};
  const raw = transport.socket?._socket;
  if (raw && !raw.destroyed) raw.destroy(reason);
  conn.close(true);
}

/**
 * A peer that goes away with a backlog fails every write still queued, and
 * the transport makes a new Error (with a stack trace) for each failure,
 * though the first one already closes the connection: the rest are dropped.
 */
function reportFirstWriteErrorOnly(transport: EngineTransport): void {
  const report = transport.onError;
  let failed = false;
  transport.onError = function (this: EngineTransport, ...args: unknown[]) {
    if (failed) return;
    if (args[0] === "write error") failed = true;
    report.apply(this, args);
  };
}

/**
 * @example
 * const slow = boundSlowConsumers(io, { maxBufferedBytes: 1 << 20, log, addressOf });
 * // on close: slow.stop();
 */
export function boundSlowConsumers(io: Server, options: { maxBufferedBytes: number; log: Logger; addressOf: AddressOf }): SlowConsumers {
  const { maxBufferedBytes, log, addressOf } = options;
  const sampled = createSampledLog(10_000);
  const queued = new Map<string, { conn: EngineConn; bytes: number }>();
  let cutOff = 0;
  // One shared error for every pending write of every cut-off socket: its stack is captured once.
  const reason = Object.assign(new Error("slow consumer: backlog over PARLOR_MAX_BUFFERED_BYTES"), { code: "PARLOR_SLOW_CONSUMER" });

  const cut = (entry: { conn: EngineConn; bytes: number }) => {
    const { conn } = entry;
    if (conn.readyState === "closed" || !queued.delete(conn.id)) return;
    cutOff++;
    const backlog = entry.bytes + transportBytes(conn);
    sampled.note("slow-consumer", log, "warn", "disconnecting a slow consumer: its backlog of unsent bytes passed the limit", {
      conn: conn.id,
      address: addressOf(conn.request),
      backlogBytes: backlog,
      limitBytes: maxBufferedBytes,
      transport: conn.transport.name,
    });
    discardConnection(conn, reason);
  };
  const check = (entry: { conn: EngineConn; bytes: number }) => {
    if (entry.bytes + transportBytes(entry.conn) > maxBufferedBytes) cut(entry);
  };

  io.engine.on("connection", (conn: EngineConn) => {
    reportFirstWriteErrorOnly(conn.transport);
    conn.on("upgrade", (transport) => reportFirstWriteErrorOnly(transport));
    const entry = { conn, bytes: 0 };
    queued.set(conn.id, entry);
    // Engine.IO emits packetCreate before queueing each packet, and flush when the queue goes to the transport.
    conn.on("packetCreate", (packet) => {
      entry.bytes += packetBytes(packet);
      check(entry);
    });
    conn.on("flush", () => (entry.bytes = 0));
    conn.once("close", () => queued.delete(conn.id));
  });
  const sweep = setInterval(() => {
    for (const entry of queued.values()) check(entry);
  }, SLOW_CONSUMER_SWEEP_MS);
  sweep.unref();

  return {
    get cutOff() {
      return cutOff;
    },
    backlogOf(connId) {
      const entry = queued.get(connId);
      return entry ? entry.bytes + transportBytes(entry.conn) : 0;
    },
    stop: () => clearInterval(sweep),
  };
}
