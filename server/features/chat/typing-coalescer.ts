/**
 * Typing coalescing: a client sends `typing: true` on every keystroke, and
 * each one relayed costs one packet per member of the room (five users typing
 * in a 1,000-member room took the server from 10 % to 95 % CPU). A repeat
 * `typing: true` of a user in a room within `windowMs` of the last one relayed
 * is not relayed again; `typing: false` always is, and ends the coalescing, so
 * the next `true` is news again.
 */
export interface TypingCoalescer {
  /** Whether this typing change of `userId` in `room` should be relayed to the room now. */
  shouldRelay(room: string, userId: string, typing: boolean, now?: number): boolean;
  /** Entries remembered (for tests: it stays bounded). */
  readonly size: number;
}

/**
 * @example
 * const typing = typingCoalescer(3000);
 * typing.shouldRelay("lobby", "u_1", true);  // true
 * typing.shouldRelay("lobby", "u_1", true);  // false (within 3 s)
 * typing.shouldRelay("lobby", "u_1", false); // true
 */
export function typingCoalescer(windowMs: number): TypingCoalescer {
  // room \0 user -> when the last `true` was relayed. Only users typing in the last
  // window are here: older entries are swept once the map has grown.
  const relayedAt = new Map<string, number>();
  let sweepAt = 1024;
  return {
    shouldRelay(room, userId, typing, now = Date.now()) {
      const key = `${room}\0${userId}`;
      if (!typing) {
        relayedAt.delete(key);
        return true;
      }
      const last = relayedAt.get(key);
      if (last !== undefined && now - last < windowMs) return false;
      relayedAt.set(key, now);
      if (relayedAt.size >= sweepAt) {
        for (const [k, at] of relayedAt) if (now - at >= windowMs) relayedAt.delete(k);
        sweepAt = Math.max(1024, relayedAt.size * 2);
      }
      return true;
    },
    get size() {
      return relayedAt.size;
    },
  };
}
