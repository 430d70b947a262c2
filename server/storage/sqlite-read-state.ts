/**
 * Catch-up and read-state reads, on the SQLite reads thread.
 *
 * Unread counts cost what the user's rooms and the deletions after their
 * cursors cost, never the unread messages themselves:
 * unread = lastSeq - readSeq - (deleted messages after readSeq), where the
 * deleted ones come from a partial index holding only tombstones. The
 * user's own messages need no subtraction: sending moves the sender's cursor
 * to their message and a cursor never goes back, so none of a member's own
 * messages lies after their cursor (a membership starts at the room's last
 * seq).
 */
import type Database from "better-sqlite3";
import { toDirect, toMessage, type DirectRow, type MessageReadRow } from "./rows";
import { MESSAGE_SELECT } from "./sqlite-schema";
import type { Conversation, MyRoom, Receipt, RoomState, Updates } from "./types";

export interface SqliteReadState {
  updatesSince(room: string, sinceSeq: number, sinceRev: number, limit?: number): Updates;
  roomState(room: string): RoomState;
  myRooms(userId: string): MyRoom[];
  receipts(room: string, userIds: string[]): Receipt[];
  dmConversations(userId: string, limit?: number): Conversation[];
}

/** The protocol's cap on one catch-up's updates. */
export const DEFAULT_UPDATES_LIMIT = 500;

export function prepareReadState(db: Database.Database): SqliteReadState {
  const q = {
    state: db.prepare<[string], { last_seq: number; last_rev: number }>("SELECT last_seq, last_rev FROM rooms WHERE name = ?"),
    // `changed = 1` spelled out: it is what lets SQLite use the partial index.
    updates: db.prepare<[string, number, number, number], MessageReadRow>(
      `${MESSAGE_SELECT} WHERE m.room = ? AND m.changed = 1 AND m.rev > ? AND m.seq <= ? ORDER BY m.rev LIMIT ?`,
    ),
    myRooms: db.prepare<[string], { room: string; last_seq: number; read_seq: number; deleted_after: number }>(
      `SELECT ms.room, coalesce(r.last_seq, 0) AS last_seq, ms.read_seq,
         (SELECT count(*) FROM messages d WHERE d.room = ms.room AND d.deleted = 1 AND d.seq > ms.read_seq) AS deleted_after
       FROM memberships ms LEFT JOIN rooms r ON r.name = ms.room WHERE ms.user_id = ? ORDER BY ms.room`,
    ),
    // Ids arrive as one JSON array (any number of members is one bound value); j.key keeps their order.
    receipts: db.prepare<[string, string], { user_id: string; name: string; read_seq: number }>(
      `SELECT ms.user_id, coalesce(u.name, ms.user_name) AS name, ms.read_seq
       FROM json_each(?) j JOIN memberships ms ON ms.user_id = j.value AND ms.room = ? LEFT JOIN users u ON u.id = ms.user_id
       ORDER BY j.key`,
    ),
    // Within one millisecond, the order the DMs were stored in.
    conversations: db.prepare<[string, number], DirectRow & { other_id: string; other_name: string | null }>(
      `SELECT d.*, c.other_id, u.name AS other_name FROM dm_conversations c
       JOIN direct_messages d ON d.id = c.last_id LEFT JOIN users u ON u.id = c.other_id
       WHERE c.user_id = ? ORDER BY c.last_ts DESC, d.rowid DESC LIMIT ?`,
    ),
  };
  const state = (room: string): RoomState => {
    const row = q.state.get(room);
    return { lastSeq: row?.last_seq ?? 0, rev: row?.last_rev ?? 0 };
  };
  const updates = db.transaction((room: string, sinceSeq: number, sinceRev: number, limit: number): Updates => {
    const rows = q.updates.all(room, sinceRev, sinceSeq, limit + 1);
    return { updates: rows.slice(0, limit).map(toMessage), hasMoreUpdates: rows.length > limit, rev: state(room).rev };
  });
  return {
    updatesSince: (room, sinceSeq, sinceRev, limit = DEFAULT_UPDATES_LIMIT) => updates(room, sinceSeq, sinceRev, limit),
    roomState: state,
    myRooms: (userId) =>
      q.myRooms.all(userId).map((r) => ({
        room: r.room,
        lastSeq: r.last_seq,
        readSeq: r.read_seq,
        unread: Math.max(0, r.last_seq - r.read_seq - r.deleted_after),
      })),
    receipts: (room, userIds) =>
      userIds.length === 0
        ? []
        : q.receipts.all(JSON.stringify(userIds), room).map((r) => ({ user: { id: r.user_id, name: r.name }, readSeq: r.read_seq })),
    dmConversations: (userId, limit) =>
      q.conversations.all(userId, limit ?? -1).map((r) => ({
        with: { id: r.other_id, name: r.other_name ?? (r.from_id === r.other_id ? r.from_name : r.to_name) },
        last: toDirect(r),
      })),
  };
}
