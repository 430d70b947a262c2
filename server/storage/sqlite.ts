/**
 * The SQLite message store (default backend): one file in WAL mode.
 * better-sqlite3 is synchronous, so each write is one transaction that has
 * committed by the time the returned promise resolves.
 */
import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { AppError } from "../errors";
import type { DirectMessage, Message, SearchResult } from "../protocol";
import { SQLITE_SCHEMA } from "./sqlite-schema";
import type { MessageStore, NewDirectMessage, NewMessage, Page, Stored } from "./types";

interface MessageRow {
  id: string;
  room: string;
  seq: number;
  user_id: string;
  user_name: string;
  text: string;
  ts: number;
  client_id: string | null;
}

interface DirectRow {
  id: string;
  from_id: string;
  from_name: string;
  to_id: string;
  to_name: string;
  text: string;
  ts: number;
  client_id: string | null;
}

const toMessage = (r: MessageRow): Message => ({
  id: r.id,
  room: r.room,
  seq: r.seq,
  user: { id: r.user_id, name: r.user_name },
  text: r.text,
  ts: r.ts,
  ...(r.client_id === null ? {} : { clientId: r.client_id }),
});

const toDirect = (r: DirectRow): DirectMessage => ({
  id: r.id,
  from: { id: r.from_id, name: r.from_name },
  to: { id: r.to_id, name: r.to_name },
  text: r.text,
  ts: r.ts,
  ...(r.client_id === null ? {} : { clientId: r.client_id }),
});

/** The key of a DM conversation: the two ids in a fixed order. */
const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** Rows fetched newest-first with one extra row: page of `limit`, oldest first, and whether more exist. */
function pageFromNewest<R, T>(rows: R[], limit: number, map: (r: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  return { items: rows.slice(0, limit).reverse().map(map), hasMore };
}

export function openSqliteStore(file: string): MessageStore {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  db.exec(SQLITE_SCHEMA);

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

  const appendMessage = db.transaction((input: NewMessage): Stored<Message> => {
    if (input.clientId !== undefined) {
      const existing = q.byClientId.get(input.room, input.user.id, input.clientId);
      if (existing) return { message: toMessage(existing), created: false };
    }
    const { last_seq: seq } = q.nextSeq.get(input.room)!;
    const row: MessageRow = {
      id: `m_${randomUUID()}`,
      room: input.room,
      seq,
      user_id: input.user.id,
      user_name: input.user.name,
      text: input.text,
      ts: Date.now(),
      client_id: input.clientId ?? null,
    };
    q.insertMessage.run(row);
    return { message: toMessage(row), created: true };
  });

  const appendDirect = db.transaction((input: NewDirectMessage): Stored<DirectMessage> => {
    if (input.clientId !== undefined) {
      const existing = q.directByClientId.get(input.from.id, input.to.id, input.clientId);
      if (existing) return { message: toDirect(existing), created: false };
    }
    const row: DirectRow = {
      id: `d_${randomUUID()}`,
      from_id: input.from.id,
      from_name: input.from.name,
      to_id: input.to.id,
      to_name: input.to.name,
      text: input.text,
      ts: Date.now(),
      client_id: input.clientId ?? null,
    };
    q.insertDirect.run({ ...row, pair: pairKey(input.from.id, input.to.id) });
    return { message: toDirect(row), created: true };
  });

  return {
    async appendMessage(input) {
      return appendMessage(input);
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
      if (rooms.length === 0) return [];
      const placeholders = rooms.map(() => "?").join(",");
      const sql = `SELECT m.*, bm25(messages_fts) AS rank, snippet(messages_fts, 0, '[', ']', '…', 12) AS snip
        FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid
        WHERE messages_fts MATCH ? AND m.room IN (${placeholders})
        ORDER BY rank LIMIT ?`;
      try {
        const rows = db.prepare<unknown[], MessageRow & { rank: number; snip: string }>(sql).all(query, ...rooms, limit);
        return rows.map((r): SearchResult => ({ message: toMessage(r), score: -r.rank, snippet: r.snip }));
      } catch (err) {
        // FTS5 rejects unbalanced quotes, bare operators and the like: that is the client's query, not our fault.
        if (err instanceof Error && /fts5|syntax error|no such column|unterminated/i.test(err.message)) {
          throw new AppError("BAD_REQUEST", "search query cannot be parsed", { field: "q", reason: err.message });
        }
        throw err;
      }
    },
    async appendDirectMessage(input) {
      return appendDirect(input);
    },
    async directHistory(a, b, before, limit) {
      return pageFromNewest(q.directBefore.all(pairKey(a, b), before ?? Number.MAX_SAFE_INTEGER, limit + 1), limit, toDirect);
    },
    async saveUser(user) {
      q.saveUser.run(user.id, user.name, Date.now());
    },
    async getUser(id) {
      return q.getUser.get(id);
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
