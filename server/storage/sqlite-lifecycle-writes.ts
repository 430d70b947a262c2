/**
 * Edits, deletions and reactions in the SQLite writer thread (group commit,
 * like every write: see sqlite-writes.ts for the Refusal convention). Each
 * change bumps the room's rev in the same transaction; the single writer
 * makes revs commit in order, so a reader that saw rev N has seen every
 * change up to N.
 */
import type { Database } from "better-sqlite3";
import type { Message } from "../protocol";
import {
  addReaction,
  parseReactions,
  refusals,
  removeReaction,
  storeReactions,
  withUsers,
  wouldExceedEmoji,
  MAX_REACTION_USERS,
} from "./lifecycle";
import { toMessage, type MessageReadRow, type MessageRow } from "./rows";
import type { FtsIndex } from "./sqlite-fts-index";
import { MESSAGE_SELECT } from "./sqlite-schema";
import { refuse, type Refusable } from "./sqlite-thread-protocol";
import type { Deleted, DeleteInput, EditInput, Reacted, ReactInput } from "./types";

export interface SqliteLifecycleWrites {
  editMessage(input: EditInput): Refusable<Message>;
  deleteMessage(input: DeleteInput): Refusable<Deleted>;
  reactMessage(input: ReactInput): Refusable<Reacted>;
}

/** An edit or a deletion changes the full-text index with the row (fts.retext). */
export function prepareLifecycleWrites(db: Database, fts: FtsIndex): SqliteLifecycleWrites {
  const q = {
    row: db.prepare<[string, number], MessageRow & { rowid: number }>("SELECT rowid, * FROM messages WHERE room = ? AND seq = ?"),
    read: db.prepare<[string, number], MessageReadRow>(`${MESSAGE_SELECT} WHERE m.room = ? AND m.seq = ?`),
    bumpRev: db.prepare<[string], { last_rev: number }>("UPDATE rooms SET last_rev = last_rev + 1 WHERE name = ? RETURNING last_rev"),
    edit: db.prepare<[string, number, number, string, number]>(
      "UPDATE messages SET text = ?, edited_at = ?, rev = ?, changed = 1 WHERE room = ? AND seq = ?",
    ),
    // The text goes too (and so from the index); the row keeps id, author, ts and clientId.
    tombstone: db.prepare<[number, string, number]>(
      "UPDATE messages SET text = '', deleted = 1, edited_at = NULL, reactions = NULL, rev = ?, changed = 1 WHERE room = ? AND seq = ?",
    ),
    dropReactions: db.prepare<[string, number]>("DELETE FROM reactions WHERE room = ? AND seq = ?"),
    hasReaction: db.prepare<[string, number, string, string], { one: number }>(
      "SELECT 1 AS one FROM reactions WHERE room = ? AND seq = ? AND emoji = ? AND user_id = ?",
    ),
    addReaction: db.prepare<[string, number, string, string, number]>(
      "INSERT INTO reactions (room, seq, emoji, user_id, ord) VALUES (?, ?, ?, ?, ?)",
    ),
    removeReaction: db.prepare<[string, number, string, string]>(
      "DELETE FROM reactions WHERE room = ? AND seq = ? AND emoji = ? AND user_id = ?",
    ),
    firstUsers: db.prepare<[string, number, string, number], { user_id: string }>(
      "SELECT user_id FROM reactions WHERE room = ? AND seq = ? AND emoji = ? ORDER BY ord LIMIT ?",
    ),
    setReactions: db.prepare<[string | null, number, string, number]>(
      "UPDATE messages SET reactions = ?, rev = ?, changed = 1 WHERE room = ? AND seq = ?",
    ),
  };
  const live = (room: string, seq: number) => {
    const row = q.row.get(room, seq);
    return row && !row.deleted ? row : undefined;
  };
  const bump = (room: string) => q.bumpRev.get(room)!.last_rev;

  return {
    editMessage({ room, seq, userId, text }) {
      const row = live(room, seq);
      if (!row) return refuse(refusals.messageNotFound);
      if (row.user_id !== userId) return refuse(refusals.notAuthor);
      q.edit.run(text, Date.now(), bump(room), room, seq);
      fts.retext(row.rowid, row.text, text);
      return toMessage(q.read.get(room, seq)!);
    },
    deleteMessage({ room, seq, userId, asModerator }) {
      const row = live(room, seq);
      if (!row) return refuse(refusals.messageNotFound);
      if (row.user_id !== userId && !asModerator) return refuse(refusals.notAuthorOrModerator);
      const rev = bump(room);
      q.tombstone.run(rev, room, seq);
      fts.retext(row.rowid, row.text, "");
      q.dropReactions.run(room, seq);
      return { room, seq, rev, author: { id: row.user_id, name: row.user_name } };
    },
    reactMessage({ room, seq, userId, emoji, on }) {
      const row = live(room, seq);
      if (!row) return refuse(refusals.messageNotFound);
      const list = parseReactions(row.reactions);
      const has = q.hasReaction.get(room, seq, emoji, userId) !== undefined;
      if (has === on) return { room, seq, rev: row.rev, reactions: list, changed: false };
      if (on && wouldExceedEmoji(list, emoji)) return refuse(refusals.tooManyEmoji);
      const rev = bump(room);
      let next;
      if (on) {
        q.addReaction.run(room, seq, emoji, userId, rev);
        next = addReaction(list, emoji, userId);
      } else {
        q.removeReaction.run(room, seq, emoji, userId);
        const removed = removeReaction(list, emoji, userId);
        next = removed.refill
          ? withUsers(
              removed.reactions,
              emoji,
              q.firstUsers.all(room, seq, emoji, MAX_REACTION_USERS).map((u) => u.user_id),
            )
          : removed.reactions;
      }
      q.setReactions.run(storeReactions(next), rev, room, seq);
      return { room, seq, rev, reactions: next, changed: true };
    },
  };
}
