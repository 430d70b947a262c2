/**
 * The SQLite message store (default backend): one file in WAL mode, used
 * from worker threads so that no SQL runs on the event loop.
 *
 * - The writer thread owns the only write connection and the group-commit
 *   queue (group-commit.ts): every write that reaches it while it is busy
 *   shares the next transaction, and each promise resolves only after that
 *   transaction has committed, so a handler that acks after
 *   `await appendMessage(...)` acks a stored message.
 * - A reads thread answers history, the join's last messages, DMs and
 *   users; a search thread answers searches within a time budget
 *   (sqlite-search-thread.ts). Both have their own connection: WAL readers
 *   see every commit and never wait for the writer.
 * - The full-text index is written by triggers in the same transaction as
 *   the message, its edit or its deletion: a search right after the ack
 *   finds the new text and not the old (no indexing delay).
 * - Edits, deletions, reactions and read cursors are writes like messages
 *   (sqlite-lifecycle-writes.ts, sqlite-writes.ts); catch-up, unread counts,
 *   receipts and DM conversations are reads (sqlite-read-state.ts).
 *
 * Durability: see SqliteSync in sqlite-options.ts. Health: sqlite-health.ts.
 */
import type { Logger } from "../logger";
import { AppError } from "../errors";
import type { CommitStats } from "./group-commit";
import { DEFAULT_SEARCH_BUDGET_MS, type SqliteStoreOptions } from "./sqlite-options";
import { trackHealth } from "./sqlite-health";
import { startSearchThread } from "./sqlite-search-thread";
import { startThread, type SqliteThread } from "./sqlite-thread";
import { toFtsQuery } from "./sqlite-fts-query";
import type { MessageStore } from "./types";

export type { SqliteStoreOptions, SqliteSync } from "./sqlite-options";

/** The SQLite store: a MessageStore plus commit counters and its threads (tests, benchmark). */
export interface SqliteStore extends MessageStore {
  /** The writer's counters as of its last answer (every awaited write is counted). */
  commitStats(): CommitStats;
  /** The store's threads, for tests and diagnostics. */
  threads(): { writer: SqliteThread; reads: SqliteThread; search: SqliteThread };
}

/**
 * Opens (creating or migrating) the store in `file`. Blocks while the writer
 * thread opens the file, so a file that cannot be used fails here.
 *
 * @example
 * const store = openSqliteStore("./data/parlor.db", { synchronous: "FULL" });
 */
export function openSqliteStore(file: string, options: SqliteStoreOptions & { log?: Logger } = {}): SqliteStore {
  let stats: CommitStats = { commits: 0, writes: 0, maxBatch: 0, isolatedRetries: 0 };
  let tracker: ReturnType<typeof trackHealth> | undefined;
  const early: string[] = [];
  const events = {
    onFault: (reason: string) => (tracker ? tracker.fault(reason) : early.push(reason)),
    onStats: (s: CommitStats) => (stats = s),
  };
  const synchronous = options.synchronous === "NORMAL" ? "NORMAL" : "FULL";
  const writer = startThread(
    { role: "writer", file, synchronous, groupCommit: options.groupCommit ?? true, maxBatch: options.maxBatch },
    events,
  );
  tracker = trackHealth(file, options.fileCheckMs ?? 1000, options.log);
  early.forEach(tracker.fault);
  const reads = startThread({ role: "reader", file, synchronous, groupCommit: false }, events);
  const searches = startSearchThread(file, options.searchBudgetMs ?? DEFAULT_SEARCH_BUDGET_MS, events);
  let closed = false;

  const guard = <T>(run: () => Promise<T>): Promise<T> => (closed ? Promise.reject(new Error("message store is closed")) : run());
  /** A failed write may be the file going away: look now rather than at the next tick of the check. */
  const write = <T>(op: string, args: unknown[]): Promise<T> =>
    guard(() => writer.call<T>(op, args)).catch((err) => {
      void tracker.checkFile();
      throw err;
    });
  const read = <T>(op: string, args: unknown[]): Promise<T> => guard(() => reads.call<T>(op, args));

  return {
    // Through mutes and slow mode (sqlite-moderation-writes.ts).
    appendMessage: (input) => write("appendModerated", [input]),
    recentMessages: (room, limit) => read("recentMessages", [room, limit]),
    messagesSince: (room, sinceSeq, limit) => read("messagesSince", [room, sinceSeq, limit]),
    messagesBefore: (room, beforeSeq, limit) => read("messagesBefore", [room, beforeSeq, limit]),
    async search(query, rooms, limit) {
      // Linear in the query's length (≤ 500 characters): cheap enough for the main thread.
      const match = toFtsQuery(query);
      if (match === undefined) throw new AppError("BAD_REQUEST", "search query has no words to search for", { field: "q" });
      if (rooms.length === 0) return [];
      return guard(() => searches.search(match, rooms, limit));
    },
    appendDirectMessage: (input) => write("appendDirectMessage", [input]),
    directHistory: (a, b, before, limit) => read("directHistory", [a, b, before, limit]),
    editMessage: (input) => write("editMessage", [input]),
    deleteMessage: (input) => write("deleteMessage", [input]),
    reactMessage: (input) => write("reactMessage", [input]),
    updatesSince: (room, sinceSeq, sinceRev, limit) => read("updatesSince", [room, sinceSeq, sinceRev, limit]),
    roomState: (room) => read("roomState", [room]),
    startMembership: (user, room) => write("startMembership", [user, room]),
    endMembership: (userId, room) => write("endMembership", [userId, room]),
    markRead: (userId, room, seq) => write("markRead", [userId, room, seq]),
    myRooms: (userId) => read("myRooms", [userId]),
    receipts: (room, userIds) => read("receipts", [room, userIds]),
    dmConversations: (userId, limit) => read("dmConversations", [userId, limit]),
    saveUser: (user, roles) => write("saveUserWithRoles", [user, roles]),
    openRoom: (room, user) => write("openRoom", [room, user]),
    roomInfo: (room) => read("roomInfo", [room]),
    updateRoom: (input) => write("updateRoom", [input]),
    moderate: (input) => write("moderate", [input]),
    modLog: (room, before, limit) => read("modLog", [room, before, limit]),
    knownUser: (id) => read("knownUser", [id]),
    isRoomMember: (userId, room) => read("isRoomMember", [userId, room]),
    getUser: (id) => read("getUser", [id]),
    rounds: {
      saveRound: (record, summary, keep) => write("saveRound", [record, summary, keep]),
      listRounds: (gameId, limit) => read("listRounds", [gameId, limit]),
      getRound: (id) => read("getRound", [id]),
    },
    commitStats: () => ({ ...stats }),
    threads: () => ({ writer, reads, search: searches.thread() }),
    health: () => tracker.health(),
    async close() {
      if (closed) return;
      closed = true;
      tracker.stop();
      // The writer commits what it was given before it closes (acks were promised).
      await Promise.all([writer.close(), reads.close(), searches.close()]);
    },
  };
}
