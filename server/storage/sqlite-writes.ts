/**
 * The SQLite store's writes, run by the writer thread inside the write
 * queue's transactions (group-commit.ts). Each is re-runnable: its only
 * effects are on the database.
 *
 * A write that is refused (NOT_FOUND, FORBIDDEN, ...) checks before it
 * changes anything and returns a Refusal instead of throwing: a throw rolls
 * back the whole batch and re-runs it one savepoint per write, which a
 * client's mistake should not cost everyone sharing the commit.
 */
import type { Database } from "better-sqlite3";
import type { DirectMessage, Message, User } from "../protocol";
import { REPLY_PREVIEW_CHARS, refusals } from "./lifecycle";
import { newId, pairKey, toDirect, toMessage, type DirectRow, type MessageReadRow, type MessageRow } from "./rows";
import type { FtsIndex } from "./sqlite-fts-index";
import { MESSAGE_SELECT } from "./sqlite-schema";
import { refuse, type Refusable } from "./sqlite-thread-protocol";
import type { Membership, NewDirectMessage, NewMessage, Stored } from "./types";

export interface SqliteWrites {
  appendMessage(input: NewMessage): Refusable<Stored<Message>>;
  appendDirectMessage(input: NewDirectMessage): Stored<DirectMessage>;
  saveUser(user: User): void;
  startMembership(user: User, room: string): Membership;
  endMembership(userId: string, room: string): boolean;
  markRead(userId: string, room: string, seq: number): Refusable<number>;
}

/** A room message's two steps, for the moderated send (sqlite-moderation-writes.ts) to put its checks between. */
export interface MessageAppend {
  /** The stored message of a clientId retry, or undefined. */
  retried(input: NewMessage): Stored<Message> | undefined;
  /** Stores a new message (checks `replyTo`). */
  insert(input: NewMessage): Refusable<Stored<Message>>;
}

/**
 * Prepares the message insert on the writer's connection.
 *
 * Runs inside the write queue's BEGIN IMMEDIATE transaction: holding the
 * write lock, the clientId lookup sees every committed row and no other
 * connection can insert between it and our insert. The unique index is the
 * backstop: if this reasoning were ever wrong, the insert fails, it never
 * duplicates. A retry returns the stored message whatever happened since
 * (even the original of its reply being deleted).
 */
export function prepareMessageAppend(db: Database, fts: FtsIndex): MessageAppend {
  const q = {
    byClientId: db.prepare<[string, string, string], MessageReadRow>(
      `${MESSAGE_SELECT} WHERE m.room = ? AND m.user_id = ? AND m.client_id = ?`,
    ),
    live: db.prepare<[string, number], { user_id: string; user_name: string; text: string }>(
      `SELECT user_id, user_name, substr(text, 1, ${REPLY_PREVIEW_CHARS}) AS text FROM messages WHERE room = ? AND seq = ? AND deleted = 0`,
    ),
    nextSeq: db.prepare<[string], { last_seq: number; last_rev: number }>(
      `INSERT INTO rooms (name, last_seq, last_rev) VALUES (?, 1, 1)
       ON CONFLICT (name) DO UPDATE SET last_seq = last_seq + 1, last_rev = last_rev + 1 RETURNING last_seq, last_rev`,
    ),
    insertMessage: db.prepare(
      `INSERT INTO messages (id, room, seq, user_id, user_name, text, ts, client_id, rev, reply_to)
       VALUES (@id, @room, @seq, @user_id, @user_name, @text, @ts, @client_id, @rev, @reply_to)`,
    ),
    // Sending moves the sender's cursor to their message (never back).
    moveCursor: db.prepare<[number, string, string]>("UPDATE memberships SET read_seq = max(read_seq, ?) WHERE user_id = ? AND room = ?"),
  };

  // The seq and rev bump and the insert are one write: if the insert fails,
  // the write queue rolls the bump back with it, so seq stays gap-free.
  function insertMessage(input: NewMessage, original: { user_id: string; user_name: string; text: string } | undefined): Message {
    const { last_seq: seq, last_rev: rev } = q.nextSeq.get(input.room)!;
    const row: MessageRow = {
      id: newId("m"),
      room: input.room,
      seq,
      user_id: input.user.id,
      user_name: input.user.name,
      text: input.text,
      ts: Date.now(),
      client_id: input.clientId ?? null,
      rev,
      edited_at: null,
      deleted: 0,
      reactions: null,
      reply_to: input.replyTo ?? null,
    };
    fts.inserted(q.insertMessage.run(row).lastInsertRowid);
    q.moveCursor.run(seq, input.user.id, input.room);
    return toMessage({
      ...row,
      reply_user_id: original?.user_id ?? null,
      reply_user_name: original?.user_name ?? null,
      reply_text: original?.text ?? null,
      reply_deleted: 0,
    });
  }

  return {
    retried(input) {
      const existing = input.clientId === undefined ? undefined : q.byClientId.get(input.room, input.user.id, input.clientId);
      return existing && { message: toMessage(existing), created: false };
    },
    insert(input) {
      const original = input.replyTo === undefined ? undefined : q.live.get(input.room, input.replyTo);
      if (input.replyTo !== undefined && !original) return refuse(refusals.replyNotFound);
      return { message: insertMessage(input, original), created: true };
    },
  };
}

/** Prepares the write statements on the writer's connection. */
export function prepareWrites(db: Database, fts: FtsIndex): SqliteWrites {
  const messages = prepareMessageAppend(db, fts);
  const q = {
    saveUser: db.prepare(
      "INSERT INTO users (id, name, seen_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, seen_at = excluded.seen_at",
    ),
    directByClientId: db.prepare<[string, string, string], DirectRow>(
      "SELECT * FROM direct_messages WHERE from_id = ? AND to_id = ? AND client_id = ?",
    ),
    insertDirect: db.prepare(
      "INSERT INTO direct_messages (id, pair, from_id, from_name, to_id, to_name, text, ts, client_id) VALUES (@id, @pair, @from_id, @from_name, @to_id, @to_name, @text, @ts, @client_id)",
    ),
    // A later message replaces the conversation's last one (in the same millisecond too: the
    // writer runs them in order); an earlier one (a clock step back) does not.
    conversation: db.prepare<[string, string, string, number]>(
      `INSERT INTO dm_conversations (user_id, other_id, last_id, last_ts) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, other_id) DO UPDATE SET last_id = excluded.last_id, last_ts = excluded.last_ts
       WHERE last_ts <= excluded.last_ts`,
    ),
    startMembership: db.prepare<[string, string, string, string, number]>(
      `INSERT INTO memberships (user_id, room, user_name, read_seq, started_at)
       VALUES (?, ?, ?, coalesce((SELECT last_seq FROM rooms WHERE name = ?), 0), ?) ON CONFLICT DO NOTHING`,
    ),
    cursor: db.prepare<[string, string], { read_seq: number }>("SELECT read_seq FROM memberships WHERE user_id = ? AND room = ?"),
    endMembership: db.prepare<[string, string]>("DELETE FROM memberships WHERE user_id = ? AND room = ?"),
    markRead: db.prepare<[number, string, string], { read_seq: number }>(
      `UPDATE memberships SET read_seq = max(read_seq, min(?, coalesce((SELECT last_seq FROM rooms WHERE name = memberships.room), 0)))
       WHERE user_id = ? AND room = ? RETURNING read_seq`,
    ),
  };

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
    q.conversation.run(row.from_id, row.to_id, row.id, row.ts);
    if (row.to_id !== row.from_id) q.conversation.run(row.to_id, row.from_id, row.id, row.ts);
    return toDirect(row);
  }

  return {
    appendMessage: (input) => messages.retried(input) ?? messages.insert(input),
    appendDirectMessage(input) {
      const existing = input.clientId === undefined ? undefined : q.directByClientId.get(input.from.id, input.to.id, input.clientId);
      if (existing) return { message: toDirect(existing), created: false };
      return { message: insertDirect(input), created: true };
    },
    saveUser(user) {
      q.saveUser.run(user.id, user.name, Date.now());
    },
    startMembership(user, room) {
      const started = q.startMembership.run(user.id, room, user.name, room, Date.now()).changes > 0;
      return { readSeq: q.cursor.get(user.id, room)!.read_seq, started };
    },
    endMembership: (userId, room) => q.endMembership.run(userId, room).changes > 0,
    markRead(userId, room, seq) {
      const row = q.markRead.get(seq, userId, room);
      return row ? row.read_seq : refuse(refusals.notMember);
    },
  };
}
