/**
 * `auth:refresh { token }` (PROTOCOL "Identity v2"): a live socket swaps its
 * token for another valid one of the same user, whose name, roles and expiry
 * then take effect. No socket here: the caller applies the returned identity
 * (see `applyIdentity` in server/realtime/auth.ts).
 */
import type { z } from "zod";
import { AppError } from "../errors";
import { AuthRefreshModel, type User } from "../protocol";
import type { Identity, IdentityVerifier } from "./identity";

/** The payload: strict, like every event's (the contract's model, server/protocol/lifecycle.ts). */
export const AuthRefresh = AuthRefreshModel;
export type AuthRefreshInput = z.infer<typeof AuthRefresh>;

export interface RefreshDeps {
  verifier: IdentityVerifier;
  /** Stores the (possibly renamed) user, as the handshake does. */
  remember?: (user: User, roles?: readonly string[]) => Promise<void>;
  now?: number;
}

/**
 * The new identity of a socket whose user is `current`. Throws
 * `AppError("UNAUTHORIZED")` for an invalid or expired token and
 * `AppError("FORBIDDEN")` for a token of another user id; the socket keeps
 * its old identity then.
 *
 * @example
 * const identity = await refreshIdentity({ token }, socket.data.user, { verifier, remember });
 * ack({ ok: true, data: { expiresAt: identity.exp } });
 */
export async function refreshIdentity(input: AuthRefreshInput, current: User, deps: RefreshDeps): Promise<Identity> {
  const identity = await deps.verifier.verify(input.token, deps.now);
  if (!identity) throw new AppError("UNAUTHORIZED", "invalid or expired token");
  // A socket is one user for its whole life: other tabs, DMs and rooms are keyed by the id.
  if (identity.user.id !== current.id) throw new AppError("FORBIDDEN", "the token is for another user: reconnect with it instead");
  await deps.remember?.(identity.user, identity.roles);
  return identity;
}

/** The ack data: `{ expiresAt }`, ms since epoch. */
export function refreshAck(identity: Identity): { expiresAt: number } {
  return { expiresAt: identity.exp };
}
