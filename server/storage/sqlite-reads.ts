/**
 * The SQLite store's reads, run by a reader thread on its own connection
 * (WAL: readers see every committed write and never wait for the writer).
 *
 * Search costs what it returns: the ranked, limited rowids are found first,
 * and snippet() (the costly part: it re-tokenizes the text) runs only for
 * those rows. Ranking is bounded too: bm25 ranks the newest CANDIDATES
 * matches in the user's rooms (FTS5 walks its doclists newest first and
 * stops there), so a query matching half the archive costs what 2,000
 * matches cost; older matches beyond that are not ranked. Rooms arrive as one JSON array (json_each), so a user in
 * 33,000 rooms is one bound value, not 33,000 SQL variables.
 *
 * A search has a time budget: the deadline check is a SQL function in the
 * scan's WHERE clause, evaluated per candidate row; past the deadline it
 * throws, which aborts the statement. (better-sqlite3 has no progress
 * handler or interrupt; the main side also stops a thread that overruns
 * anyway, see sqlite-search-thread.ts.)
 */
import Database from "better-sqlite3";
import { AppError } from "../errors";
import { REPLY_PREVIEW_CHARS } from "./lifecycle";
import type { DirectMessage, Message, SearchResult, User } from "../protocol";
import { pageFromNewest, pairKey, toDirect, toMessage, type DirectRow, type MessageReadRow } from "./rows";
import { MESSAGE_SELECT } from "./sqlite-schema";
import type { Page, RoomPage } from "./types";

export interface SqliteReads {
  recentMessages(room: string, limit: number): RoomPage;
  messagesSince(room: string, sinceSeq: number, limit: number): RoomPage;
  messagesBefore(room: string, beforeSeq: number | undefined, limit: number): Page<Message>;
  directHistory(a: string, b: string, before: number | undefined, limit: number): Page<DirectMessage>;
  getUser(id: string): User | undefined;
  /** `match` is an FTS5 expression from toFtsQuery(); `budgetMs` bounds the time spent. */
  search(match: string, rooms: string[], limit: number, budgetMs: number): SearchResult[];
}

/** What a search that ran out of time throws (the client sees it as is). */
export const searchTimeout = () => new AppError("RATE_LIMITED", "search took too long; narrow the query", { reason: "timeout" });

/** How many candidate rows pass between two clock reads. */
const CHECK_EVERY = 128;

/** How many of the newest matches are ranked (see the file comment). */
export const CANDIDATES = 2000;

const SEARCH_SQL = `WITH candidates AS (
    SELECT messages_fts.rowid AS rid, bm25(messages_fts) AS rank
    FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid
    WHERE messages_fts MATCH @match AND m.room IN (SELECT value FROM json_each(@rooms)) AND m.deleted = 0 AND parlor_within_budget(m.rowid)
    ORDER BY messages_fts.rowid DESC LIMIT ${CANDIDATES}
  ),
  top AS (SELECT rid, rank FROM candidates ORDER BY rank, rid DESC LIMIT @limit)
  SELECT m.*, top.rank AS rank, snippet(messages_fts, 0, '[', ']', '…', 12) AS snip,
    o.user_id AS reply_user_id, o.user_name AS reply_user_name, substr(o.text, 1, ${REPLY_PREVIEW_CHARS}) AS reply_text, o.deleted AS reply_deleted
  FROM top CROSS JOIN messages_fts ON messages_fts.rowid = top.rid CROSS JOIN messages m ON m.rowid = top.rid
  LEFT JOIN messages o ON o.room = m.room AND o.seq = m.reply_to
  WHERE messages_fts MATCH @match
  ORDER BY top.rank, m.rowid DESC`;

/** Prepares the read statements on a reader's connection. */
export function prepareReads(db: Database.Database): SqliteReads {
  let deadline = Infinity;
  let rows = 0;
  db.function("parlor_within_budget", { deterministic: false }, (_rowid: unknown) => {
    if (++rows % CHECK_EVERY === 0 && performance.now() > deadline) throw searchTimeout();
    return 1;
  });
  const q = {
    getUser: db.prepare<[string], { id: string; name: string }>("SELECT id, name FROM users WHERE id = ?"),
    recent: db.prepare<[string, number], MessageReadRow>(`${MESSAGE_SELECT} WHERE m.room = ? ORDER BY m.seq DESC LIMIT ?`),
    before: db.prepare<[string, number, number], MessageReadRow>(
      `${MESSAGE_SELECT} WHERE m.room = ? AND m.seq < ? ORDER BY m.seq DESC LIMIT ?`,
    ),
    since: db.prepare<[string, number, number], MessageReadRow>(
      `${MESSAGE_SELECT} WHERE m.room = ? AND m.seq > ? ORDER BY m.seq ASC LIMIT ?`,
    ),
    rev: db.prepare<[string], { last_rev: number }>("SELECT last_rev FROM rooms WHERE name = ?"),
    directBefore: db.prepare<[string, number, number], DirectRow>(
      "SELECT * FROM direct_messages WHERE pair = ? AND ts < ? ORDER BY ts DESC, rowid DESC LIMIT ?",
    ),
    search: db.prepare<[{ match: string; rooms: string; limit: number }], MessageReadRow & { rank: number; snip: string }>(SEARCH_SQL),
  };
  const revOf = (room: string) => q.rev.get(room)?.last_rev ?? 0;
  // One read transaction: the page and the rev are of the same snapshot.
  const recent = db.transaction((room: string, limit: number): RoomPage => ({
    ...pageFromNewest(q.recent.all(room, limit + 1), limit, toMessage),
    rev: revOf(room),
  }));
  const since = db.transaction((room: string, sinceSeq: number, limit: number): RoomPage => {
    const rows = q.since.all(room, sinceSeq, limit + 1);
    return { items: rows.slice(0, limit).map(toMessage), hasMore: rows.length > limit, rev: revOf(room) };
  });
  return {
    recentMessages: (room, limit) => recent(room, limit),
    messagesSince: (room, sinceSeq, limit) => since(room, sinceSeq, limit),
    messagesBefore: (room, beforeSeq, limit) =>
      pageFromNewest(q.before.all(room, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit + 1), limit, toMessage),
    directHistory: (a, b, before, limit) =>
      pageFromNewest(q.directBefore.all(pairKey(a, b), before ?? Number.MAX_SAFE_INTEGER, limit + 1), limit, toDirect),
    getUser: (id) => q.getUser.get(id),
    search(match, rooms, limit, budgetMs) {
      deadline = performance.now() + budgetMs;
      rows = 0;
      try {
        return q.search
          .all({ match, rooms: JSON.stringify(rooms), limit })
          .map((r): SearchResult => ({ message: toMessage(r), score: -r.rank, snippet: r.snip }));
      } catch (err) {
        if (err instanceof AppError) throw err;
        // toFtsQuery only emits valid syntax; this is the safety net for anything
        // FTS5 still refuses (e.g. a limit of its own): the query's fault, not ours.
        if (
          err instanceof Database.SqliteError &&
          err.code === "SQLITE_ERROR" &&
          /fts5|unterminated|unknown special query/i.test(err.message)
        ) {
          throw new AppError("BAD_REQUEST", "search query cannot be parsed", { field: "q" });
        }
        throw err;
      } finally {
        deadline = Infinity;
      }
    },
  };
}
