/**
 * Connection caps: at most `perAddress` open Engine.IO connections per
 * client address (with a token or without: `/system` needs none) and
 * `total` on the process, kept well below the file descriptor limit so a
 * flood from one address cannot take the descriptors everyone else needs.
 * The count is of live Engine.IO connections; the check runs in the server
 * gate on each new handshake (a `/socket.io/` request without `sid`), so a
 * refused client gets an HTTP answer with a reason, never a reset:
 * `429 { error: { code: "RATE_LIMITED", details: { reason: "connections-per-address", limit, retryAfterMs } } }`
 * or `503` with reason `server-full`.
 */
import type { IncomingMessage } from "node:http";
import type { Server } from "socket.io";
import type { Gate } from "../http/server-gate";
import type { AddressOf } from "./client-address";

/** What a refused client is told to wait before trying again. */
export const CONNECTION_RETRY_AFTER_MS = 5000;

export interface ConnectionCaps {
  /** The server gate that refuses handshakes over a cap. */
  gate: Gate;
  /** Open connections of one address (for tests and metrics). */
  of(address: string): number;
  readonly total: number;
}

/** A new Engine.IO session: `/socket.io/` without `sid` (polling handshake or direct WebSocket). */
function isHandshake(req: IncomingMessage, enginePath: string): boolean {
  const url = req.url ?? "";
  if (!url.startsWith(enginePath)) return false;
  const query = url.indexOf("?");
  return query < 0 || !new URLSearchParams(url.slice(query + 1)).has("sid");
}

/**
 * Counts `io.engine`'s connections by address from now on.
 *
 * @example
 * const caps = connectionCaps(io, addressOf, { perAddress: 200, total: 15_000 });
 * gateHttpServer(httpServer, { gates: [caps.gate], ... });
 */
export function connectionCaps(
  io: Server,
  addressOf: AddressOf,
  limits: { perAddress: number; total: number },
  enginePath = "/socket.io/",
): ConnectionCaps {
  const open = new Map<string, number>();
  let total = 0;
  // Engine.IO's handshake runs synchronously from the request to the
  // "connection" event (no async allowRequest or middleware here), so counting
  // at "connection" leaves no window for a burst of handshakes to slip past.
  io.engine.on("connection", (conn: { request: IncomingMessage; once(ev: "close", fn: () => void): void }) => {
    const address = addressOf(conn.request);
    open.set(address, (open.get(address) ?? 0) + 1);
    total++;
    conn.once("close", () => {
      total--;
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
  const retry = { "Retry-After": String(CONNECTION_RETRY_AFTER_MS / 1000) };
  return {
    gate(req) {
      if (!isHandshake(req, enginePath)) return undefined;
      if (total >= limits.total) {
        return {
          status: 503,
          code: "RATE_LIMITED",
          message: "server full: try again later",
          details: { reason: "server-full", limit: limits.total, retryAfterMs: CONNECTION_RETRY_AFTER_MS },
          headers: retry,
        };
      }
      const address = addressOf(req);
      if ((open.get(address) ?? 0) >= limits.perAddress) {
        return {
          status: 429,
          code: "RATE_LIMITED",
          message: "too many connections from this address: close some first",
          details: { reason: "connections-per-address", limit: limits.perAddress, retryAfterMs: CONNECTION_RETRY_AFTER_MS },
          headers: retry,
          log: { address },
        };
      }
      return undefined;
    },
    of: (address) => open.get(address) ?? 0,
    get total() {
      return total;
    },
  };
}
