/**
 * SQLite tables of rooms v2 and moderation (see moderation-types.ts), created
 * from migrateSqlite on every start (CREATE ... IF NOT EXISTS), and the row
 * reads the writer and the reads thread share. Existing data is kept: every
 * room that already has messages or members gets a settings row (no owner
 * yet: its next joiner becomes it), and `users` gains a `roles` column.
 */
import type { Database } from "better-sqlite3";
import type { ModAction, ModActionKind, RoomInfo, User } from "../protocol";

export const MODERATION_SCHEMA = `
-- One row per room anyone has joined: owner (NULL until an ownerless room's next join), topic, slow mode.
CREATE TABLE IF NOT EXISTS room_settings (
  room TEXT PRIMARY KEY,
  owner_id TEXT,
  owner_name TEXT,
  topic TEXT NOT NULL DEFAULT '',
  slow_mode_ms INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS room_moderators (
  room TEXT NOT NULL,
  user_id TEXT NOT NULL,
  user_name TEXT NOT NULL,
  added_at INTEGER NOT NULL,
  PRIMARY KEY (room, user_id)
) WITHOUT ROWID;
-- Mutes and bans in force or expired (until NULL: open-ended); unmute/unban deletes the row.
CREATE TABLE IF NOT EXISTS room_restrictions (
  room TEXT NOT NULL,
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('mute', 'ban')),
  until INTEGER,
  PRIMARY KEY (room, user_id, kind)
) WITHOUT ROWID;
-- Each user's last stored message per room: what slow mode measures from.
CREATE TABLE IF NOT EXISTS last_posts (
  room TEXT NOT NULL,
  user_id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  PRIMARY KEY (room, user_id)
) WITHOUT ROWID;
-- The audit log; id is the page key of mod:log (newest first).
CREATE TABLE IF NOT EXISTS mod_actions (
  id INTEGER PRIMARY KEY,
  room TEXT NOT NULL,
  action TEXT NOT NULL,
  target_id TEXT,
  target_name TEXT,
  by_id TEXT NOT NULL,
  by_name TEXT NOT NULL,
  reason TEXT,
  until INTEGER,
  seq INTEGER,
  ts INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS mod_actions_room ON mod_actions (room, id);
`;

/** Rooms of an existing database get settings rows without an owner (run once, when the table is new). */
const BACKFILL_ROOMS = `INSERT OR IGNORE INTO room_settings (room, created_at)
  SELECT name, @now FROM rooms UNION SELECT room, @now FROM memberships`;

/** Call after the base schema (users, rooms, memberships exist). Idempotent. */
export function migrateModeration(db: Database): void {
  const isNew = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'room_settings'").get() === undefined;
  db.exec(MODERATION_SCHEMA);
  if (isNew) db.prepare(BACKFILL_ROOMS).run({ now: Date.now() });
  const userColumns = db.prepare<[], { name: string }>("PRAGMA table_info(users)").all();
  // The global roles of the user's latest token, as a JSON array (NULL: none seen).
  if (!userColumns.some((c) => c.name === "roles")) db.exec("ALTER TABLE users ADD COLUMN roles TEXT");
}

/** Mutes and bans with an `until`; the others leave it out. */
export const TIMED_ACTIONS: readonly ModActionKind[] = ["mute", "ban"];

export interface ModActionRow<N extends number | string = number> {
  id: N;
  room: string;
  action: string;
  target_id: string | null;
  target_name: string | null;
  by_id: string;
  by_name: string;
  reason: string | null;
  until: N | null;
  seq: N | null;
  ts: N;
}

/** An audit row as clients see it (both stores). */
export function toModAction(r: ModActionRow<number | string>): ModAction {
  const action = r.action as ModActionKind;
  return {
    id: String(r.id),
    room: r.room,
    action,
    target: r.target_id === null ? null : { id: r.target_id, name: r.target_name ?? "" },
    by: { id: r.by_id, name: r.by_name },
    ...(r.reason === null ? {} : { reason: r.reason }),
    ...(TIMED_ACTIONS.includes(action) ? { until: r.until === null ? null : Number(r.until) } : {}),
    ...(r.seq === null ? {} : { seq: Number(r.seq) }),
    ts: Number(r.ts),
  };
}

/** The stored roles column as a list. */
export const parseRoles = (json: string | null | undefined): string[] => (json ? (JSON.parse(json) as string[]) : []);

/** Whether a mute or ban with this end is in force at `now`. */
export const inForce = (until: number | string | null, now: number) => until === null || Number(until) > now;

/** Reads the same on the writer and the reads connection. */
export function prepareRoomInfo(db: Database): (room: string) => RoomInfo | undefined {
  const q = {
    settings: db.prepare<
      [string],
      {
        owner_id: string | null;
        owner_name: string | null;
        topic: string;
        slow_mode_ms: number;
        owner_now: string | null;
        last_seq: number | null;
      }
    >(
      `SELECT s.owner_id, s.owner_name, s.topic, s.slow_mode_ms, u.name AS owner_now, r.last_seq
       FROM room_settings s LEFT JOIN users u ON u.id = s.owner_id LEFT JOIN rooms r ON r.name = s.room WHERE s.room = ?`,
    ),
    moderators: db.prepare<[string], { user_id: string; name: string }>(
      `SELECT m.user_id, coalesce(u.name, m.user_name) AS name FROM room_moderators m LEFT JOIN users u ON u.id = m.user_id
       WHERE m.room = ? ORDER BY m.added_at, m.user_id`,
    ),
  };
  return (room) => {
    const s = q.settings.get(room);
    if (!s) return undefined;
    const owner: User | null = s.owner_id === null ? null : { id: s.owner_id, name: s.owner_now ?? s.owner_name ?? "" };
    return {
      room,
      owner,
      moderators: q.moderators.all(room).map((m) => ({ id: m.user_id, name: m.name })),
      topic: s.topic,
      slowModeMs: s.slow_mode_ms,
      lastSeq: s.last_seq ?? 0,
    };
  };
}
