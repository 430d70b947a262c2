/**
 * Handshake authentication for `/chat` and `/game`: a valid signed token in
 * `auth.token`, or `connect_error` "UNAUTHORIZED". The socket joins its user
 * room here, so DMs and "my other tabs" are one `to(userRoom(id))`.
 */
import type { Socket } from "socket.io";
import type { TokenSigner } from "../auth/tokens";
import type { ErrorCode, User } from "../protocol";
import { userRoom } from "./rooms";

export interface SocketData {
  user: User;
}

/** An Error as Socket.IO's `connect_error` shows it: `err.message` and `err.data.code`. */
export function handshakeError(code: ErrorCode, message: string): Error & { data: { code: ErrorCode; message: string } } {
  return Object.assign(new Error(code), { data: { code, message } });
}

export function tokenAuth(signer: TokenSigner, onUser: (user: User) => Promise<void>) {
  return async (socket: Socket, next: (err?: Error) => void) => {
    const claims = signer.verify((socket.handshake.auth as Record<string, unknown> | undefined)?.token);
    if (!claims) return next(handshakeError("UNAUTHORIZED", "missing, invalid or expired token: POST /api/session first"));
    try {
      await onUser(claims.user);
    } catch {
      return next(handshakeError("INTERNAL", "internal error"));
    }
    socket.data.user = claims.user;
    socket.join(userRoom(claims.user.id));
    next();
  };
}
