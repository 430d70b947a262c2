/**
 * Per-user event rate limits (rate-limiter-flexible), the registry guard that
 * applies them, and the per-IP limit of `POST /api/session`.
 *
 * Model. PROTOCOL.md promises "20 per second with bursts of 40", a token
 * bucket (capacity 40, refill 20/s). rate-limiter-flexible has fixed windows
 * only, so it is approximated with its BurstyRateLimiter: a main limiter of
 * `perSecond` points per 1 s window, and a burst pool of `burst - perSecond`
 * extra points that refills every BURST_REFILL_SECONDS. Why not one limiter
 * of `burst` points per `burst/perSecond` s (40 per 2 s)? Its average is
 * exact, but right after a burst a client waits up to 2 s for anything, and
 * two adjacent windows let 80 through at once. With Bursty:
 * - an idle client can send `burst` (40) at once;
 * - after that, `perSecond` (20) per second, never more than
 *   2 × perSecond + (burst − perSecond) = 60 in any one second;
 * - from a fresh start, at most burst + perSecond × ⌊t⌋ in the first
 *   BURST_REFILL_SECONDS (within the token bucket's burst + perSecond × t);
 * - long-run ceiling perSecond + (burst − perSecond) / BURST_REFILL_SECONDS
 *   = 22/s with the defaults: 10% over the bucket, the price of fixed windows.
 * Both limiters live in one store, so passing a Redis client makes the limit
 * cluster-wide (RateLimiterRedis) without other changes.
 */
import type { RequestHandler } from "express";
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Socket } from "socket.io";
import { AppError } from "../errors";
import type { Logger } from "../logger";
import type { Guard } from "../realtime/registry";
import { FloodCutoff } from "./flood-cutoff";
import { createSampledLog, type SampledLog } from "./sampled-log";

/** How often the burst pool refills. */
export const BURST_REFILL_SECONDS = 10;
/** A user whose events are refused this many times within FLOOD_WINDOW_SECONDS, per unit of burst, has their sending sockets disconnected. */
export const FLOOD_STRIKES_PER_BURST = 5;
export const FLOOD_WINDOW_SECONDS = 10;
/** Between the decision to cut a flooder off and the disconnect. */
export const FLOOD_GRACE_MS = 100;

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Consumes one point for a key (a user id, an IP). */
export interface RateLimiter {
  consume(key: string): Promise<RateDecision>;
}

/** A Redis store for cluster-wide limits: an ioredis client, or a node-redis (`redis` package) client with `useRedisPackage`. */
export interface RedisStore {
  client: unknown;
  useRedisPackage?: boolean;
}

export interface LimiterOptions {
  redis?: RedisStore;
  /** Key namespace, so several limiters can share one store (default "parlor:events"). */
  keyPrefix?: string;
}

function store(points: number, duration: number, keyPrefix: string, redis: RedisStore | undefined): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ points, duration, keyPrefix });
  if (!redis) return memory;
  // While Redis is unreachable the same limits hold per node: no event waits on a
  // reconnecting client, and none is refused as INTERNAL.
  return new RateLimiterRedis({
    storeClient: redis.client,
    useRedisPackage: redis.useRedisPackage,
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
    points,
    duration,
    keyPrefix,
  });
}

/** Turns rate-limiter-flexible's resolve/reject protocol into a decision; store failures still throw (INTERNAL). */
async function decide(consume: Promise<unknown>): Promise<RateDecision> {
  try {
    await consume;
    return { allowed: true };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(rejection.msBeforeNext)) };
    throw rejection;
  }
}

/**
 * The per-user event limiter: `perSecond` sustained, `burst` at once (see the
 * model at the top of this file).
 *
 * @example
 * const limiter = createEventRateLimiter(config);                       // one node
 * const shared = createEventRateLimiter(config, { redis: { client } });  // cluster-wide
 * await limiter.consume("u_123"); // { allowed: true } or { allowed: false, retryAfterMs }
 */
export function createEventRateLimiter(
  config: { rateLimit: { perSecond: number; burst: number } },
  options: LimiterOptions = {},
): RateLimiter {
  const { perSecond, burst } = config.rateLimit;
  const prefix = options.keyPrefix ?? "parlor:events";
  const main = store(Math.max(1, perSecond), 1, `${prefix}:rate`, options.redis);
  const extra = Math.max(0, burst - perSecond);
  if (extra === 0) return { consume: (key) => decide(main.consume(key)) };
  const bursty = new BurstyRateLimiter(main, store(extra, BURST_REFILL_SECONDS, `${prefix}:burst`, options.redis));
  return { consume: (key) => decide(bursty.consume(key)) };
}

/** The rate-limit key of a socket: its user, or its address for open namespaces. */
export function rateKey(socket: Socket): string {
  const user = (socket.data as { user?: { id?: unknown } } | undefined)?.user;
  return typeof user?.id === "string" ? `user:${user.id}` : `ip:${socket.handshake.address}`;
}

export interface GuardOptions {
  /** Refusals per user within FLOOD_WINDOW_SECONDS after which their sending sockets are disconnected (default FLOOD_STRIKES_PER_BURST × burst). */
  disconnectAfter?: number;
  /** Where refusal and cut-off lines go, sampled (default: one of its own). */
  sampled?: SampledLog;
}

/**
 * The registry guard: events not marked `rateLimited: false` (unknown events
 * included) consume a point of the socket's user; the excess is refused with
 * RATE_LIMITED and `details.retryAfterMs`, before validation or any work. A
 * user who keeps sending after being refused, far past the limit, has the
 * sockets that keep sending disconnected, with a logged reason: answering a
 * flood costs the server more than the flooder. The refusals are counted per
 * user across all their sockets (see flood-cutoff.ts).
 *
 * @example
 * attachChat(nsp, { ..., hooks: { guards: [rateLimitGuard(createEventRateLimiter(config), log, config)] } });
 */
export function rateLimitGuard<Ctx>(
  limiter: RateLimiter,
  log: Logger,
  config: { rateLimit: { burst: number } },
  options: GuardOptions = {},
): Guard<Ctx> {
  const disconnectAfter = options.disconnectAfter ?? Math.max(1, FLOOD_STRIKES_PER_BURST * config.rateLimit.burst);
  // Strikes are local even when the limit itself is shared: a disconnect is a local act.
  const cutoff = new FloodCutoff({
    threshold: disconnectAfter,
    windowMs: FLOOD_WINDOW_SECONDS * 1000,
    graceMs: FLOOD_GRACE_MS,
    log,
    sampled: options.sampled ?? createSampledLog(FLOOD_WINDOW_SECONDS * 1000),
  });

  return async (event, _ctx, socket) => {
    if (event.rateLimited === false) return;
    // Packets already read when the socket was cut off (or is being cut off) are not worth any work.
    if (cutoff.isCuttingOff(socket)) {
      throw new AppError("RATE_LIMITED", "flooding: disconnecting", { retryAfterMs: FLOOD_WINDOW_SECONDS * 1000 });
    }
    const key = rateKey(socket);
    const decision = await limiter.consume(key);
    if (decision.allowed) return;
    // Not at once: the events already read still get their answers (a flooder that
    // waits for acks learns why), and the ones accepted just before finish being
    // stored and acknowledged. Meanwhile everything else is refused without work.
    cutoff.strike(key, socket, event.event);
    throw new AppError("RATE_LIMITED", "too many events: slow down", { retryAfterMs: decision.retryAfterMs });
  };
}

/**
 * `POST /api/session` per client IP: `points` per `durationSeconds`; the
 * excess answers `429 { error: { code: "RATE_LIMITED", message, details: { retryAfterMs } } }`
 * with a Retry-After header. Counted before the name is validated, so bad names
 * count too (malformed JSON is refused earlier, by the body parser).
 * The IP is Express's `req.ip` (the peer address unless `trust proxy` is set).
 */
export function sessionRateLimit(
  limits: { points: number; durationSeconds: number },
  log: Logger,
  options: LimiterOptions = {},
): RequestHandler {
  const limiter = store(Math.max(1, limits.points), limits.durationSeconds, options.keyPrefix ?? "parlor:sessions", options.redis);
  return (req, res, next) => {
    const ip = req.ip ?? req.socket.remoteAddress ?? "unknown";
    decide(limiter.consume(ip)).then((decision) => {
      if (decision.allowed) return next();
      log.info({ ip, path: req.path, retryAfterMs: decision.retryAfterMs }, "session request rate-limited");
      res.set("Retry-After", String(Math.ceil(decision.retryAfterMs / 1000)));
      res.status(429).json({
        error: {
          code: "RATE_LIMITED",
          message: "too many sessions from this address: try again later",
          details: { retryAfterMs: decision.retryAfterMs },
        },
      });
    }, next);
  };
}
