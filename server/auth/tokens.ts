/**
 * Signed session tokens: `base64url(payload).base64url(hmac-sha256(payload))`.
 * The payload binds the user id and name to an expiry; the signature check is
 * constant-time so a forger learns nothing from response timing.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { User } from "../protocol";

export interface TokenClaims {
  user: User;
  /** Expiry, ms since epoch. */
  exp: number;
}

export interface TokenSigner {
  issue(user: User, now?: number): { token: string; expiresAt: number };
  /** The claims of a valid, unexpired token, or `null` for anything else. */
  verify(token: unknown, now?: number): TokenClaims | null;
}

const MAX_TOKEN_LENGTH = 1024;
// Canonical base64url only: Node's decoder skips foreign characters and ignores
// spare bits, so decoding first would accept many spellings of one signature.
const BODY = /^[A-Za-z0-9_-]{1,1000}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/; // 32 bytes of HMAC-SHA256

/**
 * @example
 * const signer = createTokenSigner("a long secret", 12 * 3600_000);
 * const { token } = signer.issue({ id: "u_1", name: "Ada" });
 * signer.verify(token)?.user.name; // "Ada"
 */
export function createTokenSigner(secret: string, ttlMs: number): TokenSigner {
  const sign = (body: string) => createHmac("sha256", secret).update(body).digest();

  return {
    issue(user, now = Date.now()) {
      const exp = now + ttlMs;
      const body = Buffer.from(JSON.stringify({ uid: user.id, name: user.name, exp })).toString("base64url");
      return { token: `${body}.${sign(body).toString("base64url")}`, expiresAt: exp };
    },
    verify(token, now = Date.now()) {
      if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) return null;
      const dot = token.indexOf(".");
      if (dot <= 0 || dot !== token.lastIndexOf(".")) return null;
      const body = token.slice(0, dot);
      const signature = token.slice(dot + 1);
      if (!BODY.test(body) || !SIGNATURE.test(signature)) return null;
      // Equal lengths by the regexes above, so the comparison itself is constant-time.
      if (!timingSafeEqual(Buffer.from(signature), Buffer.from(sign(body).toString("base64url")))) return null;
      try {
        const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Record<string, unknown>;
        const { uid, name, exp } = claims;
        if (typeof uid !== "string" || typeof name !== "string" || typeof exp !== "number" || !Number.isFinite(exp)) return null;
        if (exp <= now) return null;
        return { user: { id: uid, name }, exp };
      } catch {
        return null;
      }
    },
  };
}

/** A new random user id, stable for the token it is issued in. */
export function newUserId(): string {
  return `u_${randomBytes(9).toString("base64url")}`;
}
