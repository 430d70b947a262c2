/**
 * Transport-level defences of one HTTP + Socket.IO server, wired in one call
 * by createParlor: the client address (PARLOR_TRUST_PROXY) for handshakes,
 * the Host check (DNS rebinding), connection caps per address and in total,
 * helmet's headers on Engine.IO's responses, slow consumers cut off, and
 * the raw sockets tracked so a shutdown can end every one of them.
 */
import type http from "node:http";
import type { Socket as NetSocket } from "node:net";
import type { Server } from "socket.io";
import type { Config } from "../config";
import { gateHttpServer, type Gate } from "../http/server-gate";
import type { Logger } from "../logger";
import { clientAddressResolver, type AddressOf } from "./client-address";
import { connectionCaps, type ConnectionCaps } from "./connections";
import { securityHeaderValues } from "./headers";
import { hostGate } from "./host";
import { createSampledLog } from "./sampled-log";
import { boundSlowConsumers, discardConnection, type SlowConsumers } from "./slow-consumers";

export interface TransportGuards {
  addressOf: AddressOf;
  caps: ConnectionCaps;
  slowConsumers: SlowConsumers;
  /**
   * Shutdown's last step for connections: waits up to `graceMs` for the
   * sockets still open (a WebSocket whose peer does not answer the close
   * frame keeps its TCP socket for ws's 30 s close timeout), then discards
   * what is left and destroys every raw socket, upgraded ones included
   * (`closeAllConnections()` only knows plain HTTP ones).
   */
  closeRemaining(graceMs: number): Promise<void>;
  stop(): void;
}

type TransportConfig = Pick<
  Config,
  "host" | "allowedHosts" | "trustProxy" | "maxConnectionsPerAddress" | "maxConnections" | "maxBufferedBytes"
>;

/**
 * Call right after `new Server(httpServer, ...)` (it wraps the listeners Engine.IO installed).
 *
 * @example
 * const transport = guardTransport(io, httpServer, config, log);
 * // in close(): await transport.closeRemaining(1000); transport.stop();
 */
export function guardTransport(io: Server, httpServer: http.Server, config: TransportConfig, log: Logger): TransportGuards {
  const addressOf = clientAddressResolver(config.trustProxy);
  // Before anything else counts it: socket.handshake.address (per-address budgets, logs) is the client's, not the proxy's.
  io.engine.on("connection", (conn: { request: http.IncomingMessage; remoteAddress: string }) => {
    conn.remoteAddress = addressOf(conn.request);
  });
  const caps = connectionCaps(io, addressOf, { perAddress: config.maxConnectionsPerAddress, total: config.maxConnections });
  const gates = [hostGate(config.host, config.allowedHosts), caps.gate].filter((g): g is Gate => g !== undefined);
  const refusals = createSampledLog(10_000);
  gateHttpServer(httpServer, {
    gates,
    headersFor: securityHeaderValues,
    onRefused(req, refusal) {
      const address = addressOf(req);
      const reason = String(refusal.details?.reason ?? refusal.code);
      refusals.note(`${reason}\0${address}`, log, "warn", "request refused at the server gate", {
        reason,
        status: refusal.status,
        address,
        path: req.url?.slice(0, 100),
        ...refusal.log,
      });
    },
  });
  // The WebSocket 101 (and polling answers) get helmet's headers too.
  io.engine.on("headers", (headers: Record<string, string>, req: http.IncomingMessage) =>
    Object.assign(headers, securityHeaderValues(req)),
  );
  const slowConsumers = boundSlowConsumers(io, { maxBufferedBytes: config.maxBufferedBytes, log, addressOf });

  const raw = new Set<NetSocket>();
  httpServer.on("connection", (socket: NetSocket) => {
    raw.add(socket);
    socket.once("close", () => raw.delete(socket));
  });

  return {
    addressOf,
    caps,
    slowConsumers,
    async closeRemaining(graceMs) {
      // Idle keep-alive HTTP connections have nothing to finish: closing them now keeps the grace for the rest.
      httpServer.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while (raw.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      if (raw.size === 0) return;
      log.info({ sockets: raw.size }, "shutdown: closing the connections still open");
      const shutdown = new Error("server shutting down");
      // `clients` is public in Engine.IO's docs, protected in its types.
      const clients = (io.engine as unknown as { clients: Record<string, Parameters<typeof discardConnection>[0]> }).clients;
      for (const conn of Object.values(clients)) discardConnection(conn, shutdown);
      for (const socket of raw) socket.destroy();
      httpServer.closeAllConnections();
    },
    stop: () => slowConsumers.stop(),
  };
}
