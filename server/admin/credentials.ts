/**
 * The admin's credentials and the budget of failed logins, shared by the
 * HTTP Basic auth on the UI's files and the `/admin` Socket.IO handshake, so
 * that guessing costs the same on both and one address cannot make the server
 * run bcrypt for every guess.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { RateLimiterMemory } from "rate-limiter-flexible";

/** Failed logins are counted per address over this window. */
export const FAILURE_WINDOW_SECONDS = 15 * 60;

export interface AdminCredentials {
  /**
   * Constant-time check of a username and password against the configured
   * ones: both are compared (no early exit on the username), as SHA-256
   * digests so that the lengths do not leak either.
   *
   * @example
   * credentials.match(handshake.auth.username, handshake.auth.password); // false for non-strings
   */
  match(username: unknown, password: unknown): boolean;
}

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/** @example const credentials = adminCredentials("admin", "correct horse battery"); */
export function adminCredentials(username: string, password: string): AdminCredentials {
  const expectedUser = digest(username);
  const expectedPassword = digest(password);
  return {
    match(user, pass) {
      if (typeof user !== "string" || typeof pass !== "string") return false;
      const userOk = timingSafeEqual(digest(user), expectedUser);
      const passwordOk = timingSafeEqual(digest(pass), expectedPassword);
      return userOk && passwordOk;
    },
  };
}

export interface LoginBudget {
  /** Milliseconds until `address` may try again, or 0 when it still has attempts left. */
  blockedFor(address: string): Promise<number>;
  /** Counts one failed login of `address`. */
  fail(address: string): Promise<void>;
}

/**
 * Per-address budget of failed admin logins on this node (the admin UI's
 * sessions are per node as well). Successful logins cost nothing.
 *
 * @example
 * const budget = loginBudget(10);
 * if (await budget.blockedFor(address)) return refuse();
 * if (!credentials.match(user, pass)) await budget.fail(address);
 */
export function loginBudget(maxFailures: number, windowSeconds = FAILURE_WINDOW_SECONDS): LoginBudget {
  const limiter = new RateLimiterMemory({ points: maxFailures, duration: windowSeconds, keyPrefix: "parlor:admin-login" });
  return {
    async blockedFor(address) {
      const state = await limiter.get(address);
      return state && state.consumedPoints >= maxFailures ? Math.max(1, state.msBeforeNext) : 0;
    },
    async fail(address) {
      // Rejects once the budget is spent; blockedFor() reports that on the next attempt.
      await limiter.consume(address).catch(() => undefined);
    },
  };
}
