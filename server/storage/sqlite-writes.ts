/**
 * The SQLite store's writes, run by the writer thread inside the write
 * queue's transactions (group-commit.ts). Each is re-runnable: its only
 * effects are on the database.
 */
import type { Database } from "better-sqlite3";
import type { DirectMessage, Message, User } from "../protocol";
import { newId, pairKey, toDirect, toMessage, type DirectRow, type MessageRow } from "./rows";
import type { NewDirectMessage, NewMessage, Stored } from "./types";

export interface SqliteWrites {
  appendMessage(input: NewMessage): Stored<Message>;
  appendDirectMessage(input: NewDirectMessage): Stored<DirectMessage>;
  saveUser(user: User): void;
}

/** Prepares the write statements on the writer's connection. */
export function prepareWrites(db: Database): SqliteWrites {
  const q = {
    saveUser: db.prepare("INSERT INTO users (id, name, seen_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, seen_at = excluded.seen_at"),
    byClientId: db.prepare<[string, string, string], MessageRow>("SELECT * FROM messages WHERE room = ? AND user_id = ? AND client_id = ?"),
    nextSeq: db.prepare<[string], { last_seq: number }>(
      "INSERT INTO rooms (name, last_seq) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq",
    ),
    insertMessage: db.prepare(
      "INSERT INTO messages (id, room, seq, user_id, user_name, text, ts, client_id) VALUES (@id, @room, @seq, @user_id, @user_name, @text, @ts, @client_id)",
    ),
    directByClientId: db.prepare<[string, string, string], DirectRow>("SELECT * FROM direct_messages WHERE from_id = ? AND to_id = ? AND client_id = ?"),
    insertDirect: db.prepare(
      "INSERT INTO direct_messages (id, pair, from_id, from_name, to_id, to_name, text, ts, client_id) VALUES (@id, @pair, @from_id, @from_name, @to_id, @to_name, @text, @ts, @client_id)",
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

  return {
    // Runs inside the write queue's BEGIN IMMEDIATE transaction: holding the
    // write lock, the lookup sees every committed row and no other connection
    // can insert between it and our insert. The unique index is the backstop:
    // if this reasoning were ever wrong, the insert fails, it never duplicates.
    appendMessage(input) {
      const existing = input.clientId === undefined ? undefined : q.byClientId.get(input.room, input.user.id, input.clientId);
      if (existing) return { message: toMessage(existing), created: false };
      return { message: insertMessage(input), created: true };
    },
    appendDirectMessage(input) {
      const existing = input.clientId === undefined ? undefined : q.directByClientId.get(input.from.id, input.to.id, input.clientId);
      if (existing) return { message: toDirect(existing), created: false };
      return { message: insertDirect(input), created: true };
    },
    saveUser(user) {
      q.saveUser.run(user.id, user.name, Date.now());
    },
  };
}
