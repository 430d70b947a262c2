/**
 * The PostgreSQL message store (`DATABASE_URL`): one database shared by every
 * node of a cluster. Same behaviour as the SQLite store:
 * - seq: one statement upserts the room's `last_seq` (taking the room row's
 *   lock until commit) and inserts the message with it, so appends to a room
 *   are serialised across nodes and a failed insert rolls the seq back too:
 *   no gaps, no repeats.
 * - idempotency: unique indexes on clientId; a concurrent duplicate fails on
 *   the index, is rolled back, and resolves to the message that won.
 * - search: the same query language as SQLite (postgres-search.ts), never a
 *   syntax error; `ts_rank` for the score, `ts_headline` with `[` `]`;
 *   tombstones never match (their text is "" and they are filtered out).
 * - edits, deletions, reactions and read state: postgres-lifecycle.ts.
 */
import { Pool } from "pg";
import type { Logger } from "../logger";
import type { SearchResult } from "../protocol";
import { postgresModeration } from "./postgres-moderation";
import { postgresRounds } from "./postgres-rounds";
import { migrate } from "./postgres-schema";
import { FTS_CONFIG, searchQuery } from "./postgres-search";
import { appError, refusals } from "./lifecycle";
import {
  inTransaction,
  PG_MESSAGE_COLUMNS,
  PG_MESSAGE_SELECT,
  pgReplyColumns,
  postgresLifecycle,
  type PgMessageRow as MessageRow,
} from "./postgres-lifecycle";
import { newId, pageFromNewest, pairKey, toDirect, toMessage, type DirectRow } from "./rows";
import type { MessageStore, NewMessage } from "./types";

/** BIGINT columns (seq, ts) arrive as strings. */
type DirectMessageRow = DirectRow<string>;

const BIG = "9223372036854775807";

const isUniqueViolation = (err: unknown, constraint: string) =>
  typeof err === "object" &&
  err !== null &&
  (err as { code?: string }).code === "23505" &&
  (err as { constraint?: string }).constraint === constraint;

/**
 * One statement: the room's seq and rev bump, the insert, the sender's read
 * cursor moved to the message, and the message read back with its reply.
 */
const APPEND = `
WITH next AS (
  INSERT INTO rooms (name, last_seq, last_rev) VALUES ($2, 1, 1)
  ON CONFLICT (name) DO UPDATE SET last_seq = rooms.last_seq + 1, last_rev = rooms.last_rev + 1
  RETURNING last_seq, last_rev
), m AS (
  INSERT INTO messages (id, room, seq, rev, user_id, user_name, text, ts, client_id, reply_to)
  SELECT $1, $2, next.last_seq, next.last_rev, $3, $4, $5, $6, $7, $8 FROM next
  RETURNING id, room, seq, user_id, user_name, text, ts, client_id, rev, edited_at, deleted, reactions, reply_to
), cursor AS (
  UPDATE memberships SET read_seq = greatest(memberships.read_seq, m.seq) FROM m WHERE memberships.user_id = $3 AND memberships.room = $2
)
SELECT m.*, ${pgReplyColumns("o")} FROM m LEFT JOIN messages o ON o.room = m.room AND o.seq = m.reply_to`;

export interface PostgresStoreOptions {
  log?: Logger;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
}

/**
 * Connects, applies pending migrations and returns the store.
 *
 * @example
 * const store = await openPostgresStore("postgres://parlor@127.0.0.1:5432/parlor");
 */
export async function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): Promise<MessageStore> {
  const pool = new Pool({ connectionString: url, max: opts.poolSize ?? 10, application_name: opts.applicationName ?? "parlor" });
  // An idle connection that dies (database restart) must not crash the process; the pool replaces it.
  pool.on("error", (err) => opts.log?.warn({ err }, "postgres idle connection error"));
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }

  const one = async <R>(sql: string, params: unknown[]): Promise<R | undefined> => (await pool.query(sql, params)).rows[0] as R | undefined;
  const all = async <R>(sql: string, params: unknown[]): Promise<R[]> => (await pool.query(sql, params)).rows as R[];
  const byClientId = (room: string, userId: string, clientId: string) =>
    one<MessageRow>(`${PG_MESSAGE_SELECT} WHERE m.room = $1 AND m.user_id = $2 AND m.client_id = $3`, [room, userId, clientId]);
  const revOf = async (room: string) =>
    Number((await one<{ last_rev: string }>("SELECT last_rev FROM rooms WHERE name = $1", [room]))?.last_rev ?? 0);
  /**
   * A reply: the room's lock first, then the original must be live. A
   * deletion takes the same lock, so the original cannot go between the
   * check and the insert.
   */
  const appendReply = (input: NewMessage, params: unknown[]) =>
    inTransaction(pool, async (db) => {
      await db.query("SELECT 1 FROM rooms WHERE name = $1 FOR UPDATE", [input.room]);
      const live = await db.query("SELECT 1 FROM messages WHERE room = $1 AND seq = $2 AND NOT deleted", [input.room, input.replyTo]);
      if (live.rowCount === 0) throw appError(refusals.replyNotFound);
      return (await db.query<MessageRow>(APPEND, params)).rows[0];
    });
  const moderation = postgresModeration(pool);
  const directByClientId = (from: string, to: string, clientId: string) =>
    one<DirectMessageRow>("SELECT * FROM direct_messages WHERE from_id = $1 AND to_id = $2 AND client_id = $3", [from, to, clientId]);

  return {
    async appendMessage(input) {
      if (input.clientId !== undefined) {
        // The common retry path: already stored, answered without touching the room's lock.
        const existing = await byClientId(input.room, input.user.id, input.clientId);
        if (existing) return { message: toMessage(existing), created: false };
      }
      // Mutes and slow mode (postgres-moderation.ts): refused before anything is stored.
      const admitted = await moderation.admitSend(input);
      const params = [
        newId("m"),
        input.room,
        input.user.id,
        input.user.name,
        input.text,
        Date.now(),
        input.clientId ?? null,
        input.replyTo ?? null,
      ];
      try {
        const row = input.replyTo === undefined ? (await pool.query<MessageRow>(APPEND, params)).rows[0] : await appendReply(input, params);
        await admitted.stored(Number(row.ts));
        return { message: toMessage(row), created: true };
      } catch (err) {
        await admitted.release();
        // A concurrent duplicate committed first: our statement (and its seq) was rolled back.
        if (input.clientId === undefined || !isUniqueViolation(err, "messages_client")) throw err;
        const winner = await byClientId(input.room, input.user.id, input.clientId);
        if (!winner) throw err;
        return { message: toMessage(winner), created: false };
      }
    },
    // The rev before the page: a change made between the two is sent again by a later catch-up, never missed.
    async recentMessages(room, limit) {
      const rev = await revOf(room);
      const rows = await all<MessageRow>(`${PG_MESSAGE_SELECT} WHERE m.room = $1 ORDER BY m.seq DESC LIMIT $2`, [room, limit + 1]);
      return { ...pageFromNewest(rows, limit, toMessage), rev };
    },
    async messagesSince(room, sinceSeq, limit) {
      const rev = await revOf(room);
      const rows = await all<MessageRow>(`${PG_MESSAGE_SELECT} WHERE m.room = $1 AND m.seq > $2 ORDER BY m.seq ASC LIMIT $3`, [
        room,
        sinceSeq,
        limit + 1,
      ]);
      return { items: rows.slice(0, limit).map(toMessage), hasMore: rows.length > limit, rev };
    },
    async messagesBefore(room, beforeSeq, limit) {
      const rows = await all<MessageRow>(`${PG_MESSAGE_SELECT} WHERE m.room = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3`, [
        room,
        beforeSeq ?? BIG,
        limit + 1,
      ]);
      return pageFromNewest(rows, limit, toMessage);
    },
    async search(query, rooms, limit) {
      if (rooms.length === 0) return [];
      const q = searchQuery(query, 3);
      if (!q) return [];
      // Rank and limit first, so ts_headline (the costly part) runs only on the rows returned.
      const sql = `WITH q AS (SELECT ${q.sql} AS query),
        hits AS (
          SELECT ${PG_MESSAGE_COLUMNS}, ts_rank(m.search, q.query) AS rank FROM messages m, q
          WHERE m.room = ANY($1) AND m.search @@ q.query AND NOT m.deleted
          ORDER BY rank DESC, m.seq DESC LIMIT $2
        )
        SELECT hits.*, ${pgReplyColumns("o")}, ts_headline('${FTS_CONFIG}', hits.text, q.query,
          'StartSel="[", StopSel="]", MaxWords=12, MinWords=4, MaxFragments=1, FragmentDelimiter="…"') AS snip
        FROM hits CROSS JOIN q LEFT JOIN messages o ON o.room = hits.room AND o.seq = hits.reply_to
        ORDER BY hits.rank DESC, hits.seq DESC`;
      const rows = await all<MessageRow & { rank: number; snip: string }>(sql, [rooms, limit, ...q.params]);
      return rows.map((r): SearchResult => ({ message: toMessage(r), score: Number(r.rank), snippet: r.snip }));
    },
    async appendDirectMessage(input) {
      const { from, to, text, clientId } = input;
      if (clientId !== undefined) {
        const existing = await directByClientId(from.id, to.id, clientId);
        if (existing) return { message: toDirect(existing), created: false };
      }
      // The conversation rows of both sides move to this message in the same statement
      // (a later one wins, also within a millisecond; one row for a note to oneself).
      const row = await one<DirectMessageRow>(
        `WITH d AS (
           INSERT INTO direct_messages (id, pair, from_id, from_name, to_id, to_name, text, ts, client_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (from_id, to_id, client_id) WHERE client_id IS NOT NULL DO NOTHING RETURNING *
         ), conversations AS (
           INSERT INTO dm_conversations (user_id, other_id, last_id, last_ts)
           SELECT from_id, to_id, id, ts FROM d UNION ALL SELECT to_id, from_id, id, ts FROM d WHERE to_id <> from_id
           ON CONFLICT (user_id, other_id) DO UPDATE SET last_id = excluded.last_id, last_ts = excluded.last_ts
           WHERE dm_conversations.last_ts <= excluded.last_ts
         )
         SELECT * FROM d`,
        [newId("d"), pairKey(from.id, to.id), from.id, from.name, to.id, to.name, text, Date.now(), clientId ?? null],
      );
      if (row) return { message: toDirect(row), created: true };
      // DO NOTHING waited for the concurrent duplicate to commit, so it is visible now.
      const winner = await directByClientId(from.id, to.id, clientId!);
      if (!winner) throw new Error("direct message conflict without a stored message");
      return { message: toDirect(winner), created: false };
    },
    async directHistory(a, b, before, limit) {
      const rows = await all<DirectMessageRow>(
        "SELECT * FROM direct_messages WHERE pair = $1 AND ts < $2 ORDER BY ts DESC, serial DESC LIMIT $3",
        [pairKey(a, b), before ?? BIG, limit + 1],
      );
      return pageFromNewest(rows, limit, toDirect);
    },
    async saveUser(user, roles) {
      // Roles left out (a guest session being issued) keep the stored ones.
      await pool.query(
        "INSERT INTO users (id, name, seen_at, roles) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET name = excluded.name, seen_at = excluded.seen_at, roles = coalesce(excluded.roles, users.roles)",
        [user.id, user.name, Date.now(), roles === undefined ? null : JSON.stringify([...roles])],
      );
    },
    async getUser(id) {
      return one<{ id: string; name: string }>("SELECT id, name FROM users WHERE id = $1", [id]);
    },
    ...postgresLifecycle(pool),
    ...moderation,
    rounds: postgresRounds(pool),
    health: () => ({ ok: true }),
    async close() {
      if (!pool.ended) await pool.end();
    },
  };
}
