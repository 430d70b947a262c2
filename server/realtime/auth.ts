/**
 * Handshake authentication for `/chat` and `/game`: a valid signed token in
 * `auth.token`, or `connect_error` "UNAUTHORIZED". The socket joins its user
 * room here, so DMs and "my other tabs" are one `to(userRoom(id))`.
 *
 * A token is checked again after the handshake: connection state recovery
 * (`skipMiddlewares`) brings a socket back without this middleware, and a
 * live socket outlives its token. Both end at the token's expiry (see
 * `enforceTokenExpiry` and `tokenExpiryAdmission`).
 */
import type { Socket } from "socket.io";
import type { Identity, IdentityVerifier, Role } from "../auth/identity";
import type { Logger } from "../logger";
import type { z } from "zod";
import type { AckError, authExpired, ErrorCode, User } from "../protocol";
import type { Admission } from "./registry";
import { userRoom } from "./rooms";

export interface SocketData {
  user: User;
  /** The token's expiry (ms since epoch): the socket is disconnected then. */
  exp: number;
  /** Global roles of the token (a JWT's `roles`); none for guests. */
  roles: readonly Role[];
}

/** Why a handshake was refused, beyond its code (e.g. "too_many_sockets"). */
export type HandshakeReason = "too_many_sockets";

/** An Error as Socket.IO's `connect_error` shows it: `err.message` and `err.data.code` (and `err.data.reason` for caps). */
export function handshakeError(
  code: ErrorCode,
  message: string,
  extra: { reason?: HandshakeReason; limit?: number } = {},
): Error & { data: { code: ErrorCode; message: string; reason?: HandshakeReason; limit?: number } } {
  return Object.assign(new Error(code), { data: { code, message, ...extra } });
}

export interface TokenAuthOptions {
  /** Sockets one user may have in this namespace on this node; the next handshake is refused (CONFLICT, reason "too_many_sockets"). */
  maxSocketsPerUser?: number;
}

/**
 * The namespace middleware. `log` records refusals (a burst of them is someone
 * guessing tokens) and failures; the client only ever sees the code.
 */
export function tokenAuth(
  identities: IdentityVerifier,
  onUser: (user: User, roles: readonly Role[]) => Promise<void>,
  log?: Logger,
  options: TokenAuthOptions = {},
) {
  const maxSockets = options.maxSocketsPerUser ?? Infinity;
  return async (socket: Socket, next: (err?: Error) => void) => {
    const claims = await identities.verify((socket.handshake.auth as Record<string, unknown> | undefined)?.token);
    if (!claims) {
      log?.info({ nsp: socket.nsp.name, ip: socket.handshake.address }, "handshake refused: missing, invalid or expired token");
      return next(handshakeError("UNAUTHORIZED", "missing, invalid or expired token: POST /api/session first"));
    }
    try {
      // With the token's roles: a user's global roles are those of the latest token seen (Moderation).
      await onUser(claims.user, claims.roles);
    } catch (err) {
      log?.error({ err, nsp: socket.nsp.name, user: claims.user.id }, "handshake failed");
      return next(handshakeError("INTERNAL", "internal error"));
    }
    // Counted after the await and joined in the same turn, so concurrent handshakes
    // of one user cannot all pass the check before any of them is counted.
    const open = socket.nsp.adapter.rooms.get(userRoom(claims.user.id))?.size ?? 0;
    if (open >= maxSockets) {
      log?.info(
        { nsp: socket.nsp.name, user: claims.user.id, open, limit: maxSockets },
        "handshake refused: too many sockets for this user",
      );
      return next(
        handshakeError("CONFLICT", `at most ${maxSockets} connections per user: close another tab first`, {
          reason: "too_many_sockets",
          limit: maxSockets,
        }),
      );
    }
    socket.data.user = claims.user;
    socket.data.exp = claims.exp;
    socket.data.roles = claims.roles;
    socket.join(userRoom(claims.user.id));
    next();
  };
}

/** Timers cannot wait longer than this (about 24.8 days); a longer token is re-checked by its events. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const EXPIRED: AckError = { code: "UNAUTHORIZED", message: "token expired: reconnect with a new token" };

/** What expiry needs of a socket: any socket whose namespace's contract has `auth:expired` (server/protocol/lifecycle.ts). */
type ExpiringSocket = Pick<Socket, "connected" | "id" | "nsp" | "data" | "disconnect" | "once"> & {
  emit(event: "auth:expired", payload: z.output<typeof authExpired.payload>): boolean;
};

function expire(socket: ExpiringSocket, log: Logger): void {
  if (!socket.connected) return;
  log.info(
    { nsp: socket.nsp.name, socket: socket.id, user: (socket.data as Partial<SocketData>).user?.id },
    "token expired: disconnecting",
  );
  // The reason first (PROTOCOL v2 `auth:expired`), then the disconnect: the client
  // knows to get a new token instead of reconnecting with the old one.
  socket.emit("auth:expired", {});
  socket.disconnect(true);
}

/** Whether the socket's token has expired (a socket without an expiry, from before this check, counts as expired). */
function isExpired(socket: ExpiringSocket, now = Date.now()): boolean {
  const exp = (socket.data as Partial<SocketData>).exp;
  return typeof exp !== "number" || exp <= now;
}

/**
 * Call on "connection": a recovered socket whose token has expired is sent
 * `auth:expired` and disconnected (false is returned); a live one is
 * disconnected the same way when its token expires.
 *
 * @example
 * nsp.on("connection", (socket) => { if (!enforceTokenExpiry(socket, log)) return; ... });
 */
export function enforceTokenExpiry(socket: ExpiringSocket, log: Logger): boolean {
  if (isExpired(socket)) {
    // After this turn: the "connection" listeners of the namespace still run on a live socket.
    queueMicrotask(() => expire(socket, log));
    return false;
  }
  scheduleExpiry(socket, log);
  socket.once("disconnect", () => clearTimeout(expiryTimers.get(socket)));
  return true;
}

/** Each socket's one expiry timer, replaced when `auth:refresh` moves the expiry. */
const expiryTimers = new WeakMap<ExpiringSocket, NodeJS.Timeout>();

function scheduleExpiry(socket: ExpiringSocket, log: Logger): void {
  clearTimeout(expiryTimers.get(socket));
  expiryTimers.delete(socket);
  const wait = (socket.data as SocketData).exp - Date.now();
  if (wait > MAX_TIMER_MS) return;
  // On firing, the expiry is read again: a refresh that raced the timer wins.
  const timer = setTimeout(() => (isExpired(socket) ? expire(socket, log) : scheduleExpiry(socket, log)), Math.max(0, wait)).unref();
  expiryTimers.set(socket, timer);
}

/**
 * `auth:refresh` on a live socket: the refreshed identity (same user id, see
 * server/auth/refresh.ts) replaces the socket's user, roles and expiry, and
 * the expiry timer follows the new expiry (earlier or later).
 *
 * @example
 * applyIdentity(socket, await refreshIdentity({ token }, socket.data.user, { verifier }), log);
 */
export function applyIdentity(socket: Socket, identity: Identity, log: Logger): void {
  const data = socket.data as SocketData;
  data.user = identity.user;
  data.roles = identity.roles;
  data.exp = identity.exp;
  if (socket.connected) scheduleExpiry(socket, log);
}

/**
 * The registry admission: an event of a socket whose token has expired is
 * refused UNAUTHORIZED and the socket disconnected (with `auth:expired`).
 * Covers the moments between expiry and its timer, and tokens too long for a timer.
 */
export function tokenExpiryAdmission(log: Logger): Admission {
  return (_event, socket) => {
    if (!isExpired(socket)) return undefined;
    queueMicrotask(() => expire(socket, log));
    return EXPIRED;
  };
}
