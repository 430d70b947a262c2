/**
 * The PostgreSQL store's message lifecycle (edits, deletions, reactions,
 * catch-up) and read state (memberships, cursors, unread counts, receipts,
 * DM conversations): the same rules as the SQLite store (lifecycle.ts).
 *
 * Every change takes the room row's lock first (`FOR UPDATE`, as an append's
 * upsert does) and bumps `last_rev` before it commits, so changes to one
 * room are serialised across nodes and revs commit in order: a reader that
 * saw rev N has seen every change up to N. Always the room before the
 * message, so two changes never wait on each other in opposite orders.
 *
 * Unread counts are computed as in sqlite-read-state.ts (lastSeq - readSeq -
 * tombstones after the cursor, from a partial index of tombstones).
 */
import type { Pool, PoolClient } from "pg";
import type { MessageStore } from "./types";
import {
  addReaction,
  appError,
  MAX_REACTION_USERS,
  parseReactions,
  refusals,
  REPLY_PREVIEW_CHARS,
  removeReaction,
  storeReactions,
  withUsers,
  wouldExceedEmoji,
} from "./lifecycle";
import { toDirect, toMessage, type DirectRow, type MessageReadRow } from "./rows";

/** The columns of a message (not the search vector, which never leaves the database). */
export const PG_MESSAGE_COLUMNS =
  "m.id, m.room, m.seq, m.user_id, m.user_name, m.text, m.ts, m.client_id, m.rev, m.edited_at, m.deleted, m.reactions, m.reply_to";
export const pgReplyColumns = (o: string) =>
  `${o}.user_id AS reply_user_id, ${o}.user_name AS reply_user_name, left(${o}.text, ${REPLY_PREVIEW_CHARS}) AS reply_text, ${o}.deleted AS reply_deleted`;

/** A message with the original it replies to (its current text, or that it is deleted). */
export const PG_MESSAGE_SELECT = `SELECT ${PG_MESSAGE_COLUMNS}, ${pgReplyColumns("o")} FROM messages m LEFT JOIN messages o ON o.room = m.room AND o.seq = m.reply_to`;

/** BIGINT columns arrive as strings. */
export type PgMessageRow = MessageReadRow<string>;

const DEFAULT_UPDATES_LIMIT = 500;

/** Runs `work` in one transaction on one connection; rolls back when it throws. */
export async function inTransaction<T>(pool: Pool, work: (db: PoolClient) => Promise<T>): Promise<T> {
  const db = await pool.connect();
  let broken: Error | undefined;
  try {
    await db.query("BEGIN");
    const value = await work(db);
    await db.query("COMMIT");
    return value;
  } catch (err) {
    await db.query("ROLLBACK").catch((e: Error) => (broken = e));
    throw err;
  } finally {
    // A connection that cannot even roll back is not given to the next caller.
    db.release(broken);
  }
}

type LifecycleOps = Pick<
  MessageStore,
  | "editMessage"
  | "deleteMessage"
  | "reactMessage"
  | "updatesSince"
  | "roomState"
  | "startMembership"
  | "endMembership"
  | "markRead"
  | "myRooms"
  | "receipts"
  | "dmConversations"
>;

export function postgresLifecycle(pool: Pool): LifecycleOps {
  const all = async <R>(sql: string, params: unknown[]): Promise<R[]> => (await pool.query(sql, params)).rows as R[];

  /** Locks the room, then reads the message; undefined when it is missing or deleted. */
  async function lockLive(db: PoolClient, room: string, seq: number) {
    const locked = await db.query("SELECT 1 FROM rooms WHERE name = $1 FOR UPDATE", [room]);
    if (locked.rowCount === 0) return undefined;
    const { rows } = await db.query<{ user_id: string; user_name: string; rev: string; deleted: boolean; reactions: string | null }>(
      "SELECT user_id, user_name, rev, deleted, reactions FROM messages WHERE room = $1 AND seq = $2",
      [room, seq],
    );
    return rows[0] && !rows[0].deleted ? rows[0] : undefined;
  }
  const bump = async (db: PoolClient, room: string) =>
    Number(
      (await db.query<{ last_rev: string }>("UPDATE rooms SET last_rev = last_rev + 1 WHERE name = $1 RETURNING last_rev", [room])).rows[0]
        .last_rev,
    );
  const readBack = async (db: PoolClient, room: string, seq: number) =>
    toMessage((await db.query<PgMessageRow>(`${PG_MESSAGE_SELECT} WHERE m.room = $1 AND m.seq = $2`, [room, seq])).rows[0]);
  const roomState = async (room: string) => {
    const row = (await all<{ last_seq: string; last_rev: string }>("SELECT last_seq, last_rev FROM rooms WHERE name = $1", [room]))[0];
    return { lastSeq: Number(row?.last_seq ?? 0), rev: Number(row?.last_rev ?? 0) };
  };

  return {
    editMessage: ({ room, seq, userId, text }) =>
      inTransaction(pool, async (db) => {
        const row = await lockLive(db, room, seq);
        if (!row) throw appError(refusals.messageNotFound);
        if (row.user_id !== userId) throw appError(refusals.notAuthor);
        const rev = await bump(db, room);
        await db.query("UPDATE messages SET text = $1, edited_at = $2, rev = $3, changed = true WHERE room = $4 AND seq = $5", [
          text,
          Date.now(),
          rev,
          room,
          seq,
        ]);
        return readBack(db, room, seq);
      }),
    deleteMessage: ({ room, seq, userId, asModerator }) =>
      inTransaction(pool, async (db) => {
        const row = await lockLive(db, room, seq);
        if (!row) throw appError(refusals.messageNotFound);
        if (row.user_id !== userId && !asModerator) throw appError(refusals.notAuthorOrModerator);
        const rev = await bump(db, room);
        await db.query(
          "UPDATE messages SET text = '', deleted = true, edited_at = NULL, reactions = NULL, rev = $1, changed = true WHERE room = $2 AND seq = $3",
          [rev, room, seq],
        );
        await db.query("DELETE FROM reactions WHERE room = $1 AND seq = $2", [room, seq]);
        return { room, seq, rev, author: { id: row.user_id, name: row.user_name } };
      }),
    reactMessage: ({ room, seq, userId, emoji, on }) =>
      inTransaction(pool, async (db) => {
        const row = await lockLive(db, room, seq);
        if (!row) throw appError(refusals.messageNotFound);
        const list = parseReactions(row.reactions);
        const key = [room, seq, emoji, userId];
        const has =
          ((await db.query("SELECT 1 FROM reactions WHERE room = $1 AND seq = $2 AND emoji = $3 AND user_id = $4", key)).rowCount ?? 0) > 0;
        if (has === on) return { room, seq, rev: Number(row.rev), reactions: list, changed: false };
        if (on && wouldExceedEmoji(list, emoji)) throw appError(refusals.tooManyEmoji);
        const rev = await bump(db, room);
        let next;
        if (on) {
          await db.query("INSERT INTO reactions (room, seq, emoji, user_id, ord) VALUES ($1, $2, $3, $4, $5)", [...key, rev]);
          next = addReaction(list, emoji, userId);
        } else {
          await db.query("DELETE FROM reactions WHERE room = $1 AND seq = $2 AND emoji = $3 AND user_id = $4", key);
          const removed = removeReaction(list, emoji, userId);
          next = removed.reactions;
          if (removed.refill) {
            const { rows } = await db.query<{ user_id: string }>(
              "SELECT user_id FROM reactions WHERE room = $1 AND seq = $2 AND emoji = $3 ORDER BY ord LIMIT $4",
              [room, seq, emoji, MAX_REACTION_USERS],
            );
            next = withUsers(
              next,
              emoji,
              rows.map((r) => r.user_id),
            );
          }
        }
        await db.query("UPDATE messages SET reactions = $1, rev = $2, changed = true WHERE room = $3 AND seq = $4", [
          storeReactions(next),
          rev,
          room,
          seq,
        ]);
        return { room, seq, rev, reactions: next, changed: true };
      }),
    async updatesSince(room, sinceSeq, sinceRev, limit = DEFAULT_UPDATES_LIMIT) {
      // The rev first: a change committed between the two reads is sent again next time, never missed.
      const { rev } = await roomState(room);
      const rows = await all<PgMessageRow>(
        `${PG_MESSAGE_SELECT} WHERE m.room = $1 AND m.changed AND m.rev > $2 AND m.seq <= $3 ORDER BY m.rev LIMIT $4`,
        [room, sinceRev, sinceSeq, limit + 1],
      );
      return { updates: rows.slice(0, limit).map(toMessage), hasMoreUpdates: rows.length > limit, rev };
    },
    roomState,
    async startMembership(user, room) {
      const inserted = await all<{ read_seq: string }>(
        `INSERT INTO memberships (user_id, room, user_name, read_seq, started_at)
         VALUES ($1, $2, $3, coalesce((SELECT last_seq FROM rooms WHERE name = $2), 0), $4)
         ON CONFLICT (user_id, room) DO NOTHING RETURNING read_seq`,
        [user.id, room, user.name, Date.now()],
      );
      if (inserted[0]) return { readSeq: Number(inserted[0].read_seq), started: true };
      const kept = await all<{ read_seq: string }>("SELECT read_seq FROM memberships WHERE user_id = $1 AND room = $2", [user.id, room]);
      return { readSeq: Number(kept[0].read_seq), started: false };
    },
    async endMembership(userId, room) {
      return ((await pool.query("DELETE FROM memberships WHERE user_id = $1 AND room = $2", [userId, room])).rowCount ?? 0) > 0;
    },
    async markRead(userId, room, seq) {
      const rows = await all<{ read_seq: string }>(
        `UPDATE memberships SET read_seq = greatest(read_seq, least($1::bigint, coalesce((SELECT last_seq FROM rooms WHERE name = memberships.room), 0)))
         WHERE user_id = $2 AND room = $3 RETURNING read_seq`,
        [seq, userId, room],
      );
      if (!rows[0]) throw appError(refusals.notMember);
      return Number(rows[0].read_seq);
    },
    async myRooms(userId) {
      // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
      const rows = await all<{ room: string; last_seq: string; read_seq: string; deleted_after: string }>(
        `SELECT ms.room, coalesce(r.last_seq, 0) AS last_seq, ms.read_seq,
           (SELECT count(*) FROM messages d WHERE d.room = ms.room AND d.deleted AND d.seq > ms.read_seq) AS deleted_after
         FROM memberships ms LEFT JOIN rooms r ON r.name = ms.room WHERE ms.user_id = $1 ORDER BY ms.room COLLATE "C"`,
        [userId],
      );
      return rows.map((r) => {
        const [lastSeq, readSeq] = [Number(r.last_seq), Number(r.read_seq)];
        return { room: r.room, lastSeq, readSeq, unread: Math.max(0, lastSeq - readSeq - Number(r.deleted_after)) };
      });
    },
    async receipts(room, userIds) {
      if (userIds.length === 0) return [];
      const rows = await all<{ user_id: string; name: string; read_seq: string }>(
        `SELECT ms.user_id, coalesce(u.name, ms.user_name) AS name, ms.read_seq
         FROM unnest($1::text[]) WITH ORDINALITY AS j(id, n) JOIN memberships ms ON ms.user_id = j.id AND ms.room = $2
         LEFT JOIN users u ON u.id = ms.user_id ORDER BY j.n`,
        [userIds, room],
      );
      return rows.map((r) => ({ user: { id: r.user_id, name: r.name }, readSeq: Number(r.read_seq) }));
    },
    async dmConversations(userId, limit) {
      const rows = await all<DirectRow<string> & { other_id: string; other_name: string | null }>(
        `SELECT d.*, c.other_id, u.name AS other_name FROM dm_conversations c
         JOIN direct_messages d ON d.id = c.last_id LEFT JOIN users u ON u.id = c.other_id
         WHERE c.user_id = $1 ORDER BY c.last_ts DESC, d.serial DESC LIMIT $2`,
        [userId, limit ?? null],
      );
      return rows.map((r) => ({
        with: { id: r.other_id, name: r.other_name ?? (r.from_id === r.other_id ? r.from_name : r.to_name) },
        last: toDirect(r),
      }));
    },
  };
}
