/**
 * One search in flight per user (across all of a user's connections): a
 * search can take up to its time budget, and a second one sent before the
 * first answered would only queue behind it and double what one user can
 * make the search thread do. Keyed by store, so servers in one process
 * (tests) do not share the set.
 */
import { AppError } from "../../errors";
import type { MessageStore } from "../../storage/types";

const inFlight = new WeakMap<MessageStore, Set<string>>();

/** How long a refused searcher is told to wait: about one normal search. */
const RETRY_AFTER_MS = 100;

/**
 * Runs `search` unless `userId` already has one running on `store`; then
 * RATE_LIMITED with `details: { reason: "search in flight", retryAfterMs }`.
 *
 * @example
 * const results = await oneAtATime(ctx.store, ctx.user.id, () => ctx.store.search(q, rooms, 20));
 */
export async function oneAtATime<T>(store: MessageStore, userId: string, search: () => Promise<T>): Promise<T> {
  let users = inFlight.get(store);
  if (!users) inFlight.set(store, (users = new Set()));
  if (users.has(userId)) {
    throw new AppError("RATE_LIMITED", "a search of yours is still running; wait for its answer", {
      reason: "search in flight",
      retryAfterMs: RETRY_AFTER_MS,
    });
  }
  users.add(userId);
  try {
    return await search();
  } finally {
    users.delete(userId);
  }
}
