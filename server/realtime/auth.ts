/**
 * Handshake authentication for `/chat` and `/game`: a valid signed token in
 * `auth.token`, or `connect_error` "UNAUTHORIZED". The socket joins its user
 * room here, so DMs and "my other tabs" are one `to(userRoom(id))`.
 */
import type { Socket } from "socket.io";
import type { TokenSigner } from "../auth/tokens";
import type { Logger } from "../logger";
import type { ErrorCode, User } from "../protocol";
import { userRoom } from "./rooms";

export interface SocketData {
  user: User;
}

/** An Error as Socket.IO's `connect_error` shows it: `err.message` and `err.data.code`. */
export function handshakeError(code: ErrorCode, message: string): Error & { data: { code: ErrorCode; message: string } } {
  return Object.assign(new Error(code), { data: { code, message } });
}

/**
 * The namespace middleware. `log` records refusals (a burst of them is someone
 * guessing tokens) and failures; the client only ever sees the code.
 */
export function tokenAuth(signer: TokenSigner, onUser: (user: User) => Promise<void>, log?: Logger) {
  return async (socket: Socket, next: (err?: Error) => void) => {
    const claims = signer.verify((socket.handshake.auth as Record<string, unknown> | undefined)?.token);
    if (!claims) {
      log?.info({ nsp: socket.nsp.name, ip: socket.handshake.address }, "handshake refused: missing, invalid or expired token");
      return next(handshakeError("UNAUTHORIZED", "missing, invalid or expired token: POST /api/session first"));
    }
    try {
      await onUser(claims.user);
    } catch (err) {
      log?.error({ err, nsp: socket.nsp.name, user: claims.user.id }, "handshake failed");
      return next(handshakeError("INTERNAL", "internal error"));
    }
    socket.data.user = claims.user;
    socket.join(userRoom(claims.user.id));
    next();
  };
}
