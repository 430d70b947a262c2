/**
 * Who a token says a socket is: Parlor's own session tokens (guests) or a JWT
 * from the application's backend. One verifier for the handshake and for
 * `auth:refresh`, so both accept exactly the same tokens.
 */
import type { User } from "../protocol";
import type { JwtVerifier } from "./jwt";
import type { TokenSigner } from "./tokens";

/** The roles with a meaning (global: every room); a JWT's other roles are ignored. */
export const ROLES = ["admin", "moderator"] as const;
export type Role = (typeof ROLES)[number];

/** A verified token: the user, their global roles and the token's expiry. */
export interface Identity {
  /** A guest (session token) carries `guest: true`; a JWT user's id is exactly its `sub`. */
  user: User;
  roles: readonly Role[];
  /** Expiry, ms since epoch. */
  exp: number;
}

export interface IdentityVerifier {
  /** The identity of a valid, unexpired token, or `null` for anything else (never throws). */
  verify(token: unknown, now?: number): Promise<Identity | null>;
}

/**
 * Session tokens have one dot and JWTs two, so each token is checked by one
 * verifier only. Without a JWT key configured, JWTs are refused; with
 * `guests: false`, session tokens are (even those issued before guests were
 * turned off).
 *
 * @example
 * const jwt = config.identity.jwt && (await createJwtVerifier(config.identity.jwt));
 * const identities = createIdentityVerifier(config.identity.guests ? signer : undefined, jwt);
 * const identity = await identities.verify(socket.handshake.auth.token);
 */
export function createIdentityVerifier(signer: TokenSigner | undefined, jwt?: JwtVerifier): IdentityVerifier {
  return {
    async verify(token, now = Date.now()) {
      if (typeof token !== "string") return null;
      const dots = token.split(".", 4).length - 1;
      if (dots === 2) return jwt ? jwt.verify(token, now) : null;
      const claims = signer?.verify(token, now);
      return claims ? { user: guestUser(claims.user), roles: [], exp: claims.exp } : null;
    },
  };
}

/** A session token's user as the protocol shows it: `{ id, name, guest: true }`. */
export function guestUser(user: { id: string; name: string }): User {
  return { id: user.id, name: user.name, guest: true };
}
