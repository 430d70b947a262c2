/**
 * Rooms v2 and moderation in PostgreSQL: the same tables and rules as the
 * SQLite store (sqlite-moderation*.ts, moderation.ts), shared by every node.
 *
 * Slow mode holds across nodes: a send claims its slot in `last_posts` with
 * one conditional upsert (`... DO UPDATE ... WHERE ts <= now - slowModeMs`),
 * which Postgres re-checks on the latest row version, so two sends at once
 * cannot both pass; a send that then fails gives its claim back.
 */
import type { Pool } from "pg";
import type { ModAction, RoomInfo, User } from "../protocol";
import { appError } from "./lifecycle";
import { moderationRefusals, MODERATING_ROLES, untilOf } from "./moderation";
import type { ModerationStore } from "./moderation-types";
import { inForce, parseRoles, toModAction, type ModActionRow } from "./sqlite-moderation";
import type { NewMessage } from "./types";

/** Migration 5 (postgres-schema.ts): the tables of sqlite-moderation.ts, existing rooms without an owner. */
export const PG_MODERATION_SQL = `
CREATE TABLE room_settings (
  room TEXT PRIMARY KEY,
  owner_id TEXT,
  owner_name TEXT,
  topic TEXT NOT NULL DEFAULT '',
  slow_mode_ms BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE TABLE room_moderators (
  room TEXT NOT NULL,
  user_id TEXT NOT NULL,
  user_name TEXT NOT NULL,
  added_at BIGINT NOT NULL,
  PRIMARY KEY (room, user_id)
);
CREATE TABLE room_restrictions (
  room TEXT NOT NULL,
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('mute', 'ban')),
  until BIGINT,
  PRIMARY KEY (room, user_id, kind)
);
CREATE TABLE last_posts (
  room TEXT NOT NULL,
  user_id TEXT NOT NULL,
  ts BIGINT NOT NULL,
  PRIMARY KEY (room, user_id)
);
CREATE TABLE mod_actions (
  id BIGSERIAL PRIMARY KEY,
  room TEXT NOT NULL,
  action TEXT NOT NULL,
  target_id TEXT,
  target_name TEXT,
  by_id TEXT NOT NULL,
  by_name TEXT NOT NULL,
  reason TEXT,
  until BIGINT,
  seq BIGINT,
  ts BIGINT NOT NULL
);
CREATE INDEX mod_actions_room ON mod_actions (room, id);
ALTER TABLE users ADD COLUMN roles TEXT;
INSERT INTO room_settings (room, created_at)
  SELECT name, (extract(epoch FROM now()) * 1000)::bigint FROM rooms UNION SELECT room, (extract(epoch FROM now()) * 1000)::bigint FROM memberships
  ON CONFLICT DO NOTHING;
`;

/** A send admitted by mutes and slow mode; `release` gives a slow-mode claim back when the append fails. */
export interface AdmittedSend {
  /** Records the stored message's time (when no claim was needed). */
  stored(ts: number): Promise<void>;
  release(): Promise<void>;
}

type PgModeration = ModerationStore & {
  /** Throws FORBIDDEN (muted) or RATE_LIMITED (slow mode); call after the clientId retry check. */
  admitSend(input: NewMessage): Promise<AdmittedSend>;
};

export function postgresModeration(pool: Pool): PgModeration {
  const one = async <R>(sql: string, params: unknown[]): Promise<R | undefined> => (await pool.query(sql, params)).rows[0] as R | undefined;
  const all = async <R>(sql: string, params: unknown[]): Promise<R[]> => (await pool.query(sql, params)).rows as R[];
  const activeUntil = async (room: string, userId: string, kind: "mute" | "ban", now: number) => {
    const row = await one<{ until: string | null }>("SELECT until FROM room_restrictions WHERE room = $1 AND user_id = $2 AND kind = $3", [
      room,
      userId,
      kind,
    ]);
    return row && inForce(row.until, now) ? { until: row.until === null ? null : Number(row.until) } : undefined;
  };
  const roomInfo = async (room: string): Promise<RoomInfo | undefined> => {
    const s = await one<{
      owner_id: string | null;
      owner_name: string | null;
      owner_now: string | null;
      topic: string;
      slow_mode_ms: string;
      last_seq: string | null;
    }>(
      `SELECT s.owner_id, s.owner_name, u.name AS owner_now, s.topic, s.slow_mode_ms, r.last_seq
       FROM room_settings s LEFT JOIN users u ON u.id = s.owner_id LEFT JOIN rooms r ON r.name = s.room WHERE s.room = $1`,
      [room],
    );
    if (!s) return undefined;
    const moderators = await all<{ user_id: string; name: string }>(
      `SELECT m.user_id, coalesce(u.name, m.user_name) AS name FROM room_moderators m LEFT JOIN users u ON u.id = m.user_id
       WHERE m.room = $1 ORDER BY m.added_at, m.user_id`,
      [room],
    );
    return {
      room,
      owner: s.owner_id === null ? null : { id: s.owner_id, name: s.owner_now ?? s.owner_name ?? "" },
      moderators: moderators.map((m) => ({ id: m.user_id, name: m.name })),
      topic: s.topic,
      slowModeMs: Number(s.slow_mode_ms),
      lastSeq: Number(s.last_seq ?? 0),
    };
  };
  const log = async (r: Omit<ModActionRow, "id">): Promise<ModAction> =>
    toModAction(
      (await one<ModActionRow<string>>(
        `INSERT INTO mod_actions (room, action, target_id, target_name, by_id, by_name, reason, until, seq, ts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
        [r.room, r.action, r.target_id, r.target_name, r.by_id, r.by_name, r.reason, r.until, r.seq, r.ts],
      ))!,
    );
  const notePost = async (room: string, userId: string, ts: number) => {
    await pool.query(
      "INSERT INTO last_posts (room, user_id, ts) VALUES ($1, $2, $3) ON CONFLICT (room, user_id) DO UPDATE SET ts = greatest(last_posts.ts, excluded.ts)",
      [room, userId, ts],
    );
  };

  return {
    async admitSend({ room, user }) {
      const now = Date.now();
      const mute = await activeUntil(room, user.id, "mute", now);
      if (mute) throw appError(moderationRefusals.muted(mute.until));
      const s = await one<{ slow_mode_ms: string; exempt: boolean; roles: string | null }>(
        `SELECT s.slow_mode_ms, (s.owner_id = $1 OR EXISTS (SELECT 1 FROM room_moderators m WHERE m.room = s.room AND m.user_id = $1)) AS exempt,
           (SELECT roles FROM users WHERE id = $1) AS roles
         FROM room_settings s WHERE s.room = $2`,
        [user.id, room],
      );
      const slowMs = Number(s?.slow_mode_ms ?? 0);
      const noClaim: AdmittedSend = { stored: (ts) => notePost(room, user.id, ts), release: async () => {} };
      if (!s || slowMs === 0 || s.exempt || parseRoles(s.roles).some((r) => MODERATING_ROLES.includes(r))) return noClaim;
      const claim = await one<{ prev: string | null }>(
        `WITH prev AS (SELECT ts FROM last_posts WHERE room = $1 AND user_id = $2)
         INSERT INTO last_posts (room, user_id, ts) VALUES ($1, $2, $3)
         ON CONFLICT (room, user_id) DO UPDATE SET ts = excluded.ts WHERE last_posts.ts <= $3::bigint - $4::bigint
         RETURNING (SELECT ts FROM prev) AS prev`,
        [room, user.id, now, slowMs],
      );
      if (!claim) {
        const last = await one<{ ts: string }>("SELECT ts FROM last_posts WHERE room = $1 AND user_id = $2", [room, user.id]);
        throw appError(moderationRefusals.slowMode(Math.max(1, Number(last?.ts ?? now) + slowMs - now)));
      }
      return {
        stored: async () => {},
        release: async () => {
          if (claim.prev === null)
            await pool.query("DELETE FROM last_posts WHERE room = $1 AND user_id = $2 AND ts = $3", [room, user.id, now]);
          else
            await pool.query("UPDATE last_posts SET ts = $4 WHERE room = $1 AND user_id = $2 AND ts = $3", [
              room,
              user.id,
              now,
              claim.prev,
            ]);
        },
      };
    },
    async openRoom(room, user) {
      const ban = await activeUntil(room, user.id, "ban", Date.now());
      if (ban) throw appError(moderationRefusals.banned(ban.until));
      await pool.query(
        `INSERT INTO room_settings (room, owner_id, owner_name, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (room) DO UPDATE SET owner_id = excluded.owner_id, owner_name = excluded.owner_name WHERE room_settings.owner_id IS NULL`,
        [room, user.id, user.name, Date.now()],
      );
      return (await roomInfo(room))!;
    },
    roomInfo,
    async updateRoom({ room, by, topic, slowModeMs }) {
      const updated = await pool.query(
        "UPDATE room_settings SET topic = coalesce($2, topic), slow_mode_ms = coalesce($3, slow_mode_ms) WHERE room = $1",
        [room, topic ?? null, slowModeMs ?? null],
      );
      if (updated.rowCount === 0) throw appError(moderationRefusals.roomNotFound);
      const action = await log({
        room,
        action: "update",
        target_id: null,
        target_name: null,
        by_id: by.id,
        by_name: by.name,
        reason: null,
        until: null,
        seq: null,
        ts: Date.now(),
      });
      return { info: (await roomInfo(room))!, action };
    },
    async moderate({ room, action, target, by, reason, durationMs, seq }) {
      if (!(await one("SELECT 1 FROM room_settings WHERE room = $1", [room]))) throw appError(moderationRefusals.roomNotFound);
      const now = Date.now();
      const until = action === "mute" || action === "ban" ? untilOf(now, durationMs) : null;
      if (action === "mute" || action === "ban")
        await pool.query(
          "INSERT INTO room_restrictions (room, user_id, kind, until) VALUES ($1, $2, $3, $4) ON CONFLICT (room, user_id, kind) DO UPDATE SET until = excluded.until",
          [room, target.id, action, until],
        );
      else if (action === "unmute" || action === "unban")
        await pool.query("DELETE FROM room_restrictions WHERE room = $1 AND user_id = $2 AND kind = $3", [
          room,
          target.id,
          action === "unmute" ? "mute" : "ban",
        ]);
      else if (action === "promote")
        await pool.query(
          "INSERT INTO room_moderators (room, user_id, user_name, added_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
          [room, target.id, target.name, now],
        );
      else if (action === "demote") await pool.query("DELETE FROM room_moderators WHERE room = $1 AND user_id = $2", [room, target.id]);
      return log({
        room,
        action,
        target_id: target.id,
        target_name: target.name,
        by_id: by.id,
        by_name: by.name,
        reason: reason ?? null,
        until,
        seq: seq ?? null,
        ts: now,
      });
    },
    async modLog(room, before, limit) {
      const rows = await all<ModActionRow<string>>("SELECT * FROM mod_actions WHERE room = $1 AND id < $2 ORDER BY id DESC LIMIT $3", [
        room,
        before ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
      ]);
      return { entries: rows.slice(0, limit).map(toModAction), hasMore: rows.length > limit };
    },
    async knownUser(id) {
      const row = await one<{ id: string; name: string; roles: string | null }>("SELECT id, name, roles FROM users WHERE id = $1", [id]);
      return row && { user: { id: row.id, name: row.name } satisfies User, roles: parseRoles(row.roles) };
    },
    async isRoomMember(userId, room) {
      return (await one("SELECT 1 FROM memberships WHERE user_id = $1 AND room = $2", [userId, room])) !== undefined;
    },
  };
}
