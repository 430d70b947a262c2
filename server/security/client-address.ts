/**
 * The client's address, for per-address limits and logs, with Express's
 * `trust proxy` semantics (PARLOR_TRUST_PROXY): without it the TCP peer
 * address is used and `X-Forwarded-For` is ignored; with it, the header is
 * read exactly as far as the trusted proxies go. HTTP requests and Socket.IO
 * handshakes use the same function, so a limit means the same on both.
 */
import type { IncomingMessage } from "node:http";
import proxyAddr from "proxy-addr";

/** `trust proxy` as Express accepts it: a boolean, a hop count, or a list of addresses/subnets/presets ("loopback"). */
export type TrustProxy = boolean | number | string;

/** Parses PARLOR_TRUST_PROXY: "" / "0" / "false" off, "true" every hop, a number of hops, otherwise a comma-separated list. */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const v = (value ?? "").trim();
  if (v === "" || v === "0" || v.toLowerCase() === "false") return false;
  if (v.toLowerCase() === "true") return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

/** A function that tells an IncomingMessage's client address. */
export type AddressOf = (req: IncomingMessage) => string;

/**
 * @example
 * const addressOf = clientAddressResolver(config.trustProxy);
 * addressOf(socket.request); // "203.0.113.7" behind nginx with PARLOR_TRUST_PROXY=loopback
 */
export function clientAddressResolver(trust: TrustProxy): AddressOf {
  if (trust === false) return (req) => req.socket.remoteAddress ?? "unknown";
  const fn =
    trust === true
      ? () => true
      : typeof trust === "number"
        ? (_addr: string, i: number) => i < trust
        : proxyAddr.compile(
            trust
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean),
          );
  return (req) => {
    if (!req.socket.remoteAddress) return "unknown";
    try {
      return proxyAddr(req as Parameters<typeof proxyAddr>[0], fn);
    } catch {
      return req.socket.remoteAddress;
    }
  };
}
