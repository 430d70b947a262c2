/**
 * The SQLite message store (default backend): one file in WAL mode.
 *
 * Writes go through a write queue (group-commit.ts): in group mode every
 * write submitted in one turn of the event loop shares one transaction, and
 * each promise resolves only after that transaction has committed, so a
 * handler that acks after `await appendMessage(...)` acks a stored message.
 *
 * Durability (`synchronous`, PARLOR_SQLITE_SYNC):
 * - FULL (default): the WAL is fsynced at every commit. A committed (acked)
 *   message survives a process crash, a kernel panic and a power loss.
 * - NORMAL: the WAL is fsynced only at checkpoints. A committed message
 *   survives a process crash (kill -9); a power loss can lose the last
 *   commits, though the file stays consistent.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { AppError } from "../errors";
import type { DirectMessage, Message, SearchResult } from "../protocol";
import { createWriteQueue, type CommitStats } from "./group-commit";
import { newId, pageFromNewest, pairKey, toDirect, toMessage, type DirectRow, type MessageRow } from "./rows";
import { migrateSqlite } from "./sqlite-schema";
import { toFtsQuery } from "./sqlite-fts-query";
import type { MessageStore, NewDirectMessage, NewMessage, Page, Stored } from "./types";

/** How hard a commit tries to reach the disk; see the file comment. */
export type SqliteSync = "FULL" | "NORMAL";

export interface SqliteStoreOptions {
  synchronous?: SqliteSync;
  /** false: one transaction per write (the benchmark's baseline). Default true. */
  groupCommit?: boolean;
  /** Largest group-commit batch (default 1000). */
  maxBatch?: number;
}

/** The SQLite store: a MessageStore plus commit counters (tests, benchmark). */
export interface SqliteStore extends MessageStore {
  commitStats(): CommitStats;
}

/**
 * Opens (creating or migrating) the store in `file`.
 *
 * @example
 * const store = openSqliteStore("./data/parlor.db", { synchronous: "FULL" });
 */
export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): SqliteStore {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${options.synchronous === "NORMAL" ? "NORMAL" : "FULL"}`);
  db.pragma("busy_timeout = 5000");
  migrateSqlite(db);
  const writes = createWriteQueue(db, { group: options.groupCommit ?? true, maxBatch: options.maxBatch });
  let closed = false;

  const q = {
    saveUser: db.prepare("INSERT INTO users (id, name, seen_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, seen_at = excluded.seen_at"),
    getUser: db.prepare<[string], { id: string; name: string }>("SELECT id, name FROM users WHERE id = ?"),
    byClientId: db.prepare<[string, string, string], MessageRow>("SELECT * FROM messages WHERE room = ? AND user_id = ? AND client_id = ?"),
    nextSeq: db.prepare<[string], { last_seq: number }>(
      "INSERT INTO rooms (name, last_seq) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq",
    ),
    insertMessage: db.prepare(
      "INSERT INTO messages (id, room, seq, user_id, user_name, text, ts, client_id) VALUES (@id, @room, @seq, @user_id, @user_name, @text, @ts, @client_id)",
    ),
    recent: db.prepare<[string, number], MessageRow>("SELECT * FROM messages WHERE room = ? ORDER BY seq DESC LIMIT ?"),
    before: db.prepare<[string, number, number], MessageRow>("SELECT * FROM messages WHERE room = ? AND seq < ? ORDER BY seq DESC LIMIT ?"),
    since: db.prepare<[string, number, number], MessageRow>("SELECT * FROM messages WHERE room = ? AND seq > ? ORDER BY seq ASC LIMIT ?"),
    directByClientId: db.prepare<[string, string, string], DirectRow>("SELECT * FROM direct_messages WHERE from_id = ? AND to_id = ? AND client_id = ?"),
    insertDirect: db.prepare(
      "INSERT INTO direct_messages (id, pair, from_id, from_name, to_id, to_name, text, ts, client_id) VALUES (@id, @pair, @from_id, @from_name, @to_id, @to_name, @text, @ts, @client_id)",
    ),
    directBefore: db.prepare<[string, number, number], DirectRow>(
      "SELECT * FROM direct_messages WHERE pair = ? AND ts < ? ORDER BY ts DESC, rowid DESC LIMIT ?",
    ),
  };

  // The seq bump and the insert are one write: if the insert fails, the write
  // queue rolls the bump back with it, so seq stays gap-free.
  function insertMessage(input: NewMessage): Message {
    const { last_seq: seq } = q.nextSeq.get(input.room)!;
    const row: MessageRow = {
      id: newId("m"),
      room: input.room,
      seq,
      user_id: input.user.id,
      user_name: input.user.name,
      text: input.text,
      ts: Date.now(),
      client_id: input.clientId ?? null,
    };
    q.insertMessage.run(row);
    return toMessage(row);
  }

  // Runs inside the write queue's BEGIN IMMEDIATE transaction: holding the
  // write lock, the lookup sees every committed row and no other connection
  // can insert between it and our insert. The unique index is the backstop:
  // if this reasoning were ever wrong, the insert fails, it never duplicates.
  function appendMessageTx(input: NewMessage): Stored<Message> {
    const existing = input.clientId === undefined ? undefined : q.byClientId.get(input.room, input.user.id, input.clientId);
    if (existing) return { message: toMessage(existing), created: false };
    return { message: insertMessage(input), created: true };
  }

  function insertDirect(input: NewDirectMessage): DirectMessage {
    const row: DirectRow = {
      id: newId("d"),
      from_id: input.from.id,
      from_name: input.from.name,
      to_id: input.to.id,
      to_name: input.to.name,
      text: input.text,
      ts: Date.now(),
      client_id: input.clientId ?? null,
    };
    q.insertDirect.run({ ...row, pair: pairKey(input.from.id, input.to.id) });
    return toDirect(row);
  }

  function appendDirectTx(input: NewDirectMessage): Stored<DirectMessage> {
    const existing = input.clientId === undefined ? undefined : q.directByClientId.get(input.from.id, input.to.id, input.clientId);
    if (existing) return { message: toDirect(existing), created: false };
    return { message: insertDirect(input), created: true };
  }

  /** Queues a write; after close() it fails instead of touching a closed handle. */
  const write = <T>(fn: () => T): Promise<T> => (closed ? Promise.reject(new Error("message store is closed")) : writes.submit(fn));

  return {
    appendMessage(input) {
      return write(() => appendMessageTx(input));
    },
    async recentMessages(room, limit) {
      return pageFromNewest(q.recent.all(room, limit + 1), limit, toMessage);
    },
    async messagesSince(room, sinceSeq, limit) {
      const rows = q.since.all(room, sinceSeq, limit + 1);
      return { items: rows.slice(0, limit).map(toMessage), hasMore: rows.length > limit };
    },
    async messagesBefore(room, beforeSeq, limit) {
      return pageFromNewest(q.before.all(room, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit + 1), limit, toMessage);
    },
    async search(query, rooms, limit) {
      const match = toFtsQuery(query);
      if (match === undefined) throw new AppError("BAD_REQUEST", "search query has no words to search for", { field: "q" });
      if (rooms.length === 0) return [];
      return searchRows(db, match, rooms, limit);
    },
    appendDirectMessage(input) {
      return write(() => appendDirectTx(input));
    },
    async directHistory(a, b, before, limit) {
      return pageFromNewest(q.directBefore.all(pairKey(a, b), before ?? Number.MAX_SAFE_INTEGER, limit + 1), limit, toDirect);
    },
    async saveUser(user) {
      await write(() => q.saveUser.run(user.id, user.name, Date.now()));
    },
    async getUser(id) {
      return q.getUser.get(id);
    },
    commitStats: () => writes.stats(),
    health: () => ({ ok: true }),
    async close() {
      if (closed) return;
      closed = true;
      // Writes already queued were promised a commit: make it before closing.
      writes.flush();
      if (db.open) db.close();
    },
  };
}

/** Ranked FTS5 search over `rooms` for an already-translated MATCH expression. */
function searchRows(db: Database.Database, match: string, rooms: string[], limit: number): SearchResult[] {
  const placeholders = rooms.map(() => "?").join(",");
  // bm25() is lower-is-better; snippet() marks matches with [ ] and keeps ~12 tokens around them.
  const sql = `SELECT m.*, bm25(messages_fts) AS rank, snippet(messages_fts, 0, '[', ']', '…', 12) AS snip
    FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid
    WHERE messages_fts MATCH ? AND m.room IN (${placeholders})
    ORDER BY rank, m.rowid DESC LIMIT ?`;
  try {
    const rows = db.prepare<unknown[], MessageRow & { rank: number; snip: string }>(sql).all(match, ...rooms, limit);
    return rows.map((r): SearchResult => ({ message: toMessage(r), score: -r.rank, snippet: r.snip }));
  } catch (err) {
    // toFtsQuery only emits valid syntax; this is the safety net for anything
    // FTS5 still refuses (e.g. a limit of its own): the query's fault, not ours.
    if (err instanceof Database.SqliteError && err.code === "SQLITE_ERROR" && /fts5|unterminated|unknown special query/i.test(err.message)) {
      throw new AppError("BAD_REQUEST", "search query cannot be parsed", { field: "q" });
    }
    throw err;
  }
}
