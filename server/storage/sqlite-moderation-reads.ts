/** Rooms v2 and moderation reads, on the SQLite reads thread. */
import type { Database } from "better-sqlite3";
import type { RoomInfo } from "../protocol";
import type { KnownUser, ModLogPage } from "./moderation-types";
import { parseRoles, prepareRoomInfo, toModAction, type ModActionRow } from "./sqlite-moderation";

export interface SqliteModerationReads {
  roomInfo(room: string): RoomInfo | undefined;
  modLog(room: string, before: number | undefined, limit: number): ModLogPage;
  knownUser(id: string): KnownUser | undefined;
  isRoomMember(userId: string, room: string): boolean;
}

export function prepareModerationReads(db: Database): SqliteModerationReads {
  const q = {
    log: db.prepare<[string, number, number], ModActionRow>("SELECT * FROM mod_actions WHERE room = ? AND id < ? ORDER BY id DESC LIMIT ?"),
    user: db.prepare<[string], { id: string; name: string; roles: string | null }>("SELECT id, name, roles FROM users WHERE id = ?"),
    member: db.prepare<[string, string], { one: number }>("SELECT 1 AS one FROM memberships WHERE user_id = ? AND room = ?"),
  };
  return {
    roomInfo: prepareRoomInfo(db),
    modLog(room, before, limit) {
      const rows = q.log.all(room, before ?? Number.MAX_SAFE_INTEGER, limit + 1);
      return { entries: rows.slice(0, limit).map(toModAction), hasMore: rows.length > limit };
    },
    knownUser(id) {
      const row = q.user.get(id);
      return row && { user: { id: row.id, name: row.name }, roles: parseRoles(row.roles) };
    },
    isRoomMember: (userId, room) => q.member.get(userId, room) !== undefined,
  };
}
