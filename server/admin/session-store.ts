/**
 * Sessions of the admin UI (it reconnects with `auth.sessionId` instead of
 * the password). The package's InMemoryStore keeps every session forever;
 * this one lets them expire and keeps at most `maxSessions`, oldest dropped
 * first, so that repeated logins cannot grow memory without bound.
 */

/** The shape `instrument({ store })` calls (the package does not export its abstract class). */
export interface AdminSessionStore {
  doesSessionExist(sessionId: string): Promise<boolean>;
  saveSession(sessionId: string): void;
}

/**
 * @example
 * const store = expiringSessionStore({ ttlMs: 12 * 3600_000, maxSessions: 100 });
 * instrument(io, { store, auth: { type: "basic", username, password: hash } });
 */
export function expiringSessionStore(options: { ttlMs: number; maxSessions: number; now?: () => number }): AdminSessionStore {
  const now = options.now ?? Date.now;
  // Insertion order is creation order, so the first key is the oldest session.
  const expiresAt = new Map<string, number>();
  return {
    async doesSessionExist(sessionId) {
      if (typeof sessionId !== "string") return false;
      const expiry = expiresAt.get(sessionId);
      if (expiry === undefined) return false;
      if (expiry > now()) return true;
      expiresAt.delete(sessionId);
      return false;
    },
    saveSession(sessionId) {
      expiresAt.set(sessionId, now() + options.ttlMs);
      while (expiresAt.size > options.maxSessions) expiresAt.delete(expiresAt.keys().next().value as string);
    },
  };
}
