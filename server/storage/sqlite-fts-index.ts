/**
 * The full-text index, written by the writer thread at the end of each
 * transaction instead of by a trigger per message.
 *
 * Why: FTS5 flushes its pending index data to a new segment whenever a
 * statement opens a statement savepoint, and every message insert does (it has
 * UNIQUE constraints), so with a trigger each message paid for a one-message
 * segment and its merging (about 50 µs of the writer's time per message, 40%
 * of a send). Indexing the transaction's new rows in one statement just before
 * COMMIT writes one segment per batch. A message is still searchable as soon
 * as it is acked: the index is written in the same transaction.
 *
 * Edits and tombstones change the index at once (the old text out, the new
 * in), except for a row inserted in the same transaction, which the closing
 * statement indexes with its text as it is then.
 */
import type { Database } from "better-sqlite3";

export interface FtsIndex {
  /** A `messages` row was inserted in the current transaction. */
  inserted(rowid: number | bigint): void;
  /** A row's text changes from `oldText` to `newText` (an edit, or a deletion with ""). */
  retext(rowid: number, oldText: string, newText: string): void;
  /** Transaction hooks (group-commit.ts): nothing is pending when a transaction starts. */
  begin(): void;
  /** Indexes the rows inserted since begin(). */
  end(): void;
}

export function prepareFtsIndex(db: Database): FtsIndex {
  const q = {
    // rowid is INTEGER PRIMARY KEY and rows are never removed, so every row a
    // transaction inserts has a rowid above every row that was there before it.
    indexFrom: db.prepare<[number]>("INSERT INTO messages_fts (rowid, text) SELECT rowid, text FROM messages WHERE rowid >= ?"),
    remove: db.prepare<[number, string]>("INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', ?, ?)"),
    add: db.prepare<[number, string]>("INSERT INTO messages_fts (rowid, text) VALUES (?, ?)"),
  };
  // The lowest rowid inserted in this transaction and not indexed yet. A
  // savepoint rolled back may leave it below the rows that remain: harmless,
  // the closing statement reads whatever rows exist from there.
  let pendingFrom: number | undefined;
  return {
    inserted(rowid) {
      const id = Number(rowid);
      if (pendingFrom === undefined || id < pendingFrom) pendingFrom = id;
    },
    retext(rowid, oldText, newText) {
      if (pendingFrom !== undefined && rowid >= pendingFrom) return;
      q.remove.run(rowid, oldText);
      q.add.run(rowid, newText);
    },
    begin() {
      pendingFrom = undefined;
    },
    end() {
      if (pendingFrom === undefined) return;
      q.indexFrom.run(pendingFrom);
      pendingFrom = undefined;
    },
  };
}
