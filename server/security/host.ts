/**
 * The DNS rebinding defence. A page on `evil.example` can make its own name
 * resolve to 127.0.0.1 and then talk to a Parlor bound to loopback as if it
 * were same-origin: the browser sends `Host: evil.example`, which no local
 * user ever types. So while Parlor listens on a loopback address, a request
 * or Socket.IO handshake whose Host is not a loopback name (or one listed in
 * PARLOR_ALLOWED_HOSTS) is refused with 421 Misdirected Request. Bound to a
 * public address, any Host is accepted: there is nothing local to reach.
 */
import type { IncomingMessage } from "node:http";
import type { Gate } from "../http/server-gate";

/** Names a browser resolves to loopback by itself (RFC 6761 `.localhost` included), so no rebinding is possible. */
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** True for the addresses and names Parlor can be bound to that only this machine reaches. */
export function isLoopbackBind(host: string): boolean {
  const h = host.trim().toLowerCase();
  return h === "localhost" || h === "::1" || h === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** `Example.com:3000` → `example.com`, `[::1]:3000` → `[::1]`; undefined when it is no host[:port]. */
export function hostName(header: string): string | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::\d{1,5})?$/i.exec(header.trim());
  return m ? m[1]!.toLowerCase().replace(/\.$/, "") : undefined;
}

/** Whether a Host header may reach a loopback-bound Parlor. */
export function hostAllowed(header: string | undefined, allowedHosts: readonly string[]): boolean {
  // Every browser sends Host; a request without one is a script, which no rebinding can steer.
  if (header === undefined) return true;
  const name = hostName(header);
  if (name === undefined) return false;
  return LOOPBACK_NAMES.has(name) || name.endsWith(".localhost") || allowedHosts.includes(name);
}

/**
 * The server gate: undefined (no check at all) unless `bindHost` is a
 * loopback address; otherwise refuses foreign Host headers with 421 on
 * every route, `/socket.io/` polling and WebSocket upgrades included.
 *
 * @example
 * gateHttpServer(httpServer, [hostGate(config.host, config.allowedHosts)].filter(Boolean));
 */
export function hostGate(bindHost: string, allowedHosts: readonly string[]): Gate | undefined {
  if (!isLoopbackBind(bindHost)) return undefined;
  const allowed = allowedHosts.map((h) => hostName(h) ?? h.toLowerCase());
  return (req: IncomingMessage) =>
    hostAllowed(req.headers.host, allowed)
      ? undefined
      : {
          status: 421,
          code: "FORBIDDEN",
          message: "this server is bound to loopback: the Host header must be localhost (or listed in PARLOR_ALLOWED_HOSTS)",
          details: { reason: "host-not-allowed" },
          log: { host: String(req.headers.host).slice(0, 200) },
        };
}
