/**
 * Known users: every signed-in user is stored once per process (so `dm:send`
 * can find them by id), and first-time users arriving close together share
 * one write.
 *
 * A user stored once with the same name and global roles needs no write on
 * later handshakes; a new name or new roles (a JWT's latest token decides, see
 * PROTOCOL "Moderation") are written again. A user not stored yet waits for the write (a DM to them must not
 * answer NOT_FOUND once they are connected), but handshakes within
 * `windowMs` of each other are written together: with group commit that is
 * one transaction (one fsync) for all of them instead of one each, which
 * blocked the event loop on every first handshake.
 */
import type { User } from "../protocol";

export interface UserWriter {
  saveUser(user: User, roles?: readonly string[]): Promise<void>;
}

export interface KnownUsers {
  /** Resolves once `user` is stored (at once when it already was, in this process). */
  remember(user: User, roles?: readonly string[]): Promise<void>;
  /** Writes whatever is waiting now (before the store closes). */
  flush(): Promise<void>;
}

export interface KnownUsersOptions {
  /** How long a first-time user may wait for others to share the write. */
  windowMs?: number;
  /** Past this many ids the set starts over (memory bound): users are then simply stored again. */
  max?: number;
}

/**
 * @example
 * const users = knownUsers(store);
 * await users.remember({ id: "u_1", name: "Ada" }); // stored before this resolves
 */
export function knownUsers(store: UserWriter, options: KnownUsersOptions = {}): KnownUsers {
  const windowMs = options.windowMs ?? 10;
  const max = options.max ?? 100_000;
  /** What was stored per id: name and roles (no roles given counts as none). */
  const stored = new Map<string, string>();
  const fingerprint = (user: User, roles: readonly string[] | undefined) => JSON.stringify([user.name, [...(roles ?? [])].sort()]);
  /** The users waiting for the next write (latest name per id) and the promise they all wait on. */
  let waiting:
    | {
        users: Map<string, { user: User; roles?: readonly string[] }>;
        done: Promise<void>;
        settle(write: Promise<void>): void;
        timer: NodeJS.Timeout;
      }
    | undefined;

  const flush = (): Promise<void> => {
    const batch = waiting;
    if (!batch) return Promise.resolve();
    waiting = undefined;
    clearTimeout(batch.timer);
    const users = [...batch.users.values()];
    const write = (async () => {
      // Submitted in the same tick: the write queue commits them as one transaction.
      await Promise.all(users.map((u) => store.saveUser(u.user, u.roles)));
      if (stored.size + users.length > max) stored.clear();
      for (const u of users) stored.set(u.user.id, fingerprint(u.user, u.roles));
    })();
    batch.settle(write);
    return write;
  };

  return {
    remember(user, roles) {
      if (stored.get(user.id) === fingerprint(user, roles)) return Promise.resolve();
      if (!waiting) {
        let settle!: (write: Promise<void>) => void;
        const done = new Promise<void>((resolve, reject) => (settle = (write) => void write.then(resolve, reject)));
        waiting = { users: new Map(), done, settle, timer: setTimeout(flush, windowMs) };
      }
      waiting.users.set(user.id, { user, roles });
      return waiting.done;
    },
    flush,
  };
}
