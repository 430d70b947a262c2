/**
 * The Origin allowlist: the defence against cross-site WebSocket hijacking
 * and cross-site requests. A browser always names the page that opened a
 * connection in `Origin`; a page on another site cannot forge it. Allowed:
 * the page's own origin (the Origin's host equals the request's Host), any
 * localhost origin, and the origins in `PARLOR_ALLOWED_ORIGINS`. Requests
 * without an Origin (scripts, bots, curl) pass: they carry no victim's
 * browser context, and they could send any Origin they like anyway.
 */
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import type { Logger } from "../logger";

/** Decides whether a request's Origin may talk to this server. */
export interface OriginPolicy {
  /** True for no Origin, the same origin, localhost and the configured origins. */
  allows(origin: string | undefined, host: string | undefined): boolean;
  /** True when `origin` is allowed and differs from the page's own, i.e. needs CORS headers. */
  needsCors(origin: string | undefined, host: string | undefined): boolean;
}

const LOCAL_HOSTNAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** `https://Example.com:443/` → `https://example.com`; `undefined` for anything that is not an http(s) origin. */
function normalizeOrigin(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds the policy from the configured extra origins (full origins such as
 * `https://chat.example.com`); throws on an entry that is not one, so a typo
 * fails at start instead of silently refusing everyone.
 *
 * @example
 * const policy = createOriginPolicy(["https://chat.example.com"]);
 * policy.allows("https://evil.example", "parlor.example.com"); // false
 */
export function createOriginPolicy(allowedOrigins: readonly string[]): OriginPolicy {
  const extra = new Set(
    allowedOrigins.map((entry) => {
      const url = normalizeOrigin(entry);
      if (!url) throw new Error(`PARLOR_ALLOWED_ORIGINS: "${entry}" is not an http(s) origin`);
      return url.origin;
    }),
  );

  const sameOrigin = (url: URL, host: string | undefined) => {
    if (!host) return false;
    // Normalise the Host header with the Origin's scheme so default ports compare equal.
    const hostUrl = normalizeOrigin(`${url.protocol}//${host}`);
    return hostUrl !== undefined && hostUrl.host === url.host;
  };
  const isLocal = (url: URL) => LOCAL_HOSTNAMES.has(url.hostname) || url.hostname.endsWith(".localhost");

  return {
    allows(origin, host) {
      if (origin === undefined) return true;
      // "null" (sandboxed frames, file://) and anything unparsable are refused.
      const url = normalizeOrigin(origin);
      if (!url) return false;
      return extra.has(url.origin) || sameOrigin(url, host) || isLocal(url);
    },
    needsCors(origin, host) {
      const url = origin === undefined ? undefined : normalizeOrigin(origin);
      return url !== undefined && this.allows(origin, host) && !sameOrigin(url, host);
    },
  };
}

const headerOf = (req: { headers: IncomingHttpHeaders }, name: "origin" | "host") => {
  const value = req.headers[name];
  return typeof value === "string" ? value : undefined;
};

/**
 * Socket.IO's `allowRequest`: runs on every new engine.io session, polling
 * handshake and direct WebSocket upgrade alike, before any namespace. A
 * refused Origin never gets a session. Engine.io answers a refused polling
 * handshake with HTTP 403 `{"code":4,"message":"FORBIDDEN"}` and a refused
 * WebSocket upgrade with HTTP 400 and the body `FORBIDDEN`.
 */
export function originAllowRequest(policy: OriginPolicy, log: Logger) {
  return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void): void => {
    const origin = headerOf(req, "origin");
    if (policy.allows(origin, headerOf(req, "host"))) return callback(null, true);
    log.warn({ origin: origin?.slice(0, 200), ip: req.socket.remoteAddress }, "socket.io handshake refused: origin not allowed");
    callback("FORBIDDEN", false);
  };
}

/**
 * Socket.IO's `cors` option: CORS headers only for allowed cross origins
 * (localhost, PARLOR_ALLOWED_ORIGINS). Same-origin pages need none.
 */
export function originCors(policy: OriginPolicy) {
  return (
    req: { headers: IncomingHttpHeaders },
    callback: (err: Error | null, options: { origin: boolean; credentials: boolean }) => void,
  ): void => {
    callback(null, { origin: policy.needsCors(headerOf(req, "origin"), headerOf(req, "host")), credentials: false });
  };
}

/**
 * Express middleware: a request from a refused Origin gets
 * `403 { error: { code: "FORBIDDEN" } }` before any route runs (so a
 * cross-site form cannot reach `/api/session`); an allowed cross origin gets
 * CORS headers and its preflight is answered here.
 */
export function originGuard(policy: OriginPolicy, log: Logger): RequestHandler {
  return (req, res, next) => {
    const origin = req.get("origin");
    const host = req.get("host");
    if (!policy.allows(origin, host)) {
      log.warn({ origin: origin?.slice(0, 200), ip: req.ip, path: req.path }, "http request refused: origin not allowed");
      res.status(403).json({ error: { code: "FORBIDDEN", message: "origin not allowed" } });
      return;
    }
    res.vary("Origin");
    if (origin !== undefined && policy.needsCors(origin, host)) {
      res.set("Access-Control-Allow-Origin", origin);
      if (req.method === "OPTIONS") {
        res.set({
          "Access-Control-Allow-Methods": "GET, HEAD, POST",
          "Access-Control-Allow-Headers": "content-type",
          "Access-Control-Max-Age": "600",
        });
        res.status(204).end();
        return;
      }
    }
    next();
  };
}
