/**
 * Parlor's abuse defences in one bundle for createParlor: HTTP security
 * headers and the Origin check, the Socket.IO handshake Origin allowlist,
 * per-user event rate limits for the registry and the per-IP session limit.
 */
import type { RequestHandler } from "express";
import type { ServerOptions } from "socket.io";
import type { Config } from "../config";
import type { Logger } from "../logger";
import type { Guard } from "../realtime/registry";
import { securityHeaders } from "./headers";
import { createOriginPolicy, originAllowRequest, originCors, originGuard } from "./origin";
import { createEventRateLimiter, rateLimitGuard, sessionRateLimit, type LimiterOptions } from "./rate-limit";

export interface Security {
  /** Express middleware, first in the chain: helmet headers, then the Origin check. */
  http: RequestHandler[];
  /** `POST /api/session` per-IP limit. */
  sessionLimit: RequestHandler;
  /** Socket.IO server options: `allowRequest` (Origin allowlist) and `cors`. */
  io: Pick<Partial<ServerOptions>, "allowRequest" | "cors">;
  /**
   * A registry guard per namespace: each namespace has its own budget
   * (`/chat` 20/s burst 40 by default), keyed by user, or by address on open namespaces.
   */
  guard<Ctx>(namespace: string): Guard<Ctx>;
}

/**
 * @example
 * const security = createSecurity(config, log);            // memory limits, one node
 * const shared = createSecurity(config, log, { redis: { client } }); // limits across a cluster
 * new Server(httpServer, { ...security.io, maxHttpBufferSize: config.maxPayloadBytes });
 */
export function createSecurity(config: Config, log: Logger, limiterOptions: Pick<LimiterOptions, "redis"> = {}): Security {
  const policy = createOriginPolicy(config.allowedOrigins);
  return {
    http: [securityHeaders(), originGuard(policy, log)],
    sessionLimit: sessionRateLimit({ points: config.sessionRateLimit.perMinute, durationSeconds: 60 }, log, limiterOptions),
    io: { allowRequest: originAllowRequest(policy, log), cors: originCors(policy) },
    guard: <Ctx>(namespace: string) =>
      rateLimitGuard<Ctx>(createEventRateLimiter(config, { ...limiterOptions, keyPrefix: `parlor:events:${namespace}` }), log, config),
  };
}
