/**
 * Rooms v2 and moderation writes in the SQLite writer thread (group commit;
 * refusals as in sqlite-writes.ts). `appendModerated` is the store path of
 * `message:send`: a clientId retry of a stored message is answered first
 * (whatever happened since), then mutes, then slow mode, then the append, all
 * in the writer's transaction, so two tabs sending at once cannot both pass
 * slow mode, and a mute stored by any node holds at once.
 *
 * Cheap when nothing applies: the room's slow mode and mutes come from the
 * writer's cache (sqlite-room-guards.ts), and a user's last post, which slow
 * mode measures from, is recorded only in rooms with slow mode on. Turning
 * slow mode on (or changing it) records, from the messages themselves, the
 * last post of everyone who posted within the new interval, so the first
 * message after the change waits as it would have had every post been
 * recorded.
 */
import type { Database } from "better-sqlite3";
import type { Message, ModAction, RoomInfo, User } from "../protocol";
import { moderationRefusals, MODERATING_ROLES, untilOf } from "./moderation";
import type { ModerateInput, RoomUpdateInput } from "./moderation-types";
import type { FtsIndex } from "./sqlite-fts-index";
import { inForce, parseRoles, prepareRoomInfo, toModAction, type ModActionRow } from "./sqlite-moderation";
import type { RoomGuardCache } from "./sqlite-room-guards";
import { refuse, type Refusable } from "./sqlite-thread-protocol";
import type { NewMessage, Stored } from "./types";
import { prepareMessageAppend, prepareWrites } from "./sqlite-writes";

export interface SqliteModerationWrites {
  appendModerated(input: NewMessage): Refusable<Stored<Message>>;
  saveUserWithRoles(user: User, roles?: readonly string[]): void;
  openRoom(room: string, user: User): Refusable<RoomInfo>;
  updateRoom(input: RoomUpdateInput): Refusable<{ info: RoomInfo; action: ModAction }>;
  moderate(input: ModerateInput): Refusable<ModAction>;
}

export function prepareModerationWrites(db: Database, fts: FtsIndex, guards: RoomGuardCache): SqliteModerationWrites {
  const base = prepareWrites(db, fts);
  const messages = prepareMessageAppend(db, fts);
  const info = prepareRoomInfo(db);
  const q = {
    restriction: db.prepare<[string, string, string], { until: number | null }>(
      "SELECT until FROM room_restrictions WHERE room = ? AND user_id = ? AND kind = ?",
    ),
    slow: db.prepare<[{ user: string; room: string }], { slow_mode_ms: number; exempt: number; last: number | null; roles: string | null }>(
      `SELECT s.slow_mode_ms,
         (s.owner_id = @user OR EXISTS (SELECT 1 FROM room_moderators m WHERE m.room = s.room AND m.user_id = @user)) AS exempt,
         (SELECT ts FROM last_posts p WHERE p.room = s.room AND p.user_id = @user) AS last,
         (SELECT roles FROM users WHERE id = @user) AS roles
       FROM room_settings s WHERE s.room = @room`,
    ),
    notePost: db.prepare<[string, string, number]>(
      "INSERT INTO last_posts (room, user_id, ts) VALUES (?, ?, ?) ON CONFLICT (room, user_id) DO UPDATE SET ts = max(ts, excluded.ts)",
    ),
    // Newest first: the caller stops at the first post older than it needs.
    recentPosts: db.prepare<[string], { user_id: string; ts: number }>("SELECT user_id, ts FROM messages WHERE room = ? ORDER BY seq DESC"),
    saveRoles: db.prepare<[string, string]>("UPDATE users SET roles = ? WHERE id = ?"),
    createRoom: db.prepare<[string, number]>("INSERT OR IGNORE INTO room_settings (room, created_at) VALUES (?, ?)"),
    claimOwner: db.prepare<[string, string, string]>(
      "UPDATE room_settings SET owner_id = ?, owner_name = ? WHERE room = ? AND owner_id IS NULL",
    ),
    topic: db.prepare<[string, string]>("UPDATE room_settings SET topic = ? WHERE room = ?"),
    slowMode: db.prepare<[number, string]>("UPDATE room_settings SET slow_mode_ms = ? WHERE room = ?"),
    restrict: db.prepare<[string, string, string, number | null]>(
      "INSERT INTO room_restrictions (room, user_id, kind, until) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET until = excluded.until",
    ),
    lift: db.prepare<[string, string, string]>("DELETE FROM room_restrictions WHERE room = ? AND user_id = ? AND kind = ?"),
    promote: db.prepare<[string, string, string, number]>(
      "INSERT OR IGNORE INTO room_moderators (room, user_id, user_name, added_at) VALUES (?, ?, ?, ?)",
    ),
    demote: db.prepare<[string, string]>("DELETE FROM room_moderators WHERE room = ? AND user_id = ?"),
    log: db.prepare<[Omit<ModActionRow, "id">], ModActionRow>(
      `INSERT INTO mod_actions (room, action, target_id, target_name, by_id, by_name, reason, until, seq, ts)
       VALUES (@room, @action, @target_id, @target_name, @by_id, @by_name, @reason, @until, @seq, @ts) RETURNING *`,
    ),
  };
  /** The restriction of this kind in force now, or undefined. */
  const active = (room: string, userId: string, kind: "mute" | "ban", now: number) => {
    const row = q.restriction.get(room, userId, kind);
    return row && inForce(row.until, now) ? row : undefined;
  };
  const log = (row: Omit<ModActionRow, "id">) => toModAction(q.log.get(row)!);
  /** Records the last post of everyone who posted in `room` after `since` (slow mode turned on or changed). */
  const notePostsSince = (room: string, since: number) => {
    const last = new Map<string, number>();
    for (const p of q.recentPosts.iterate(room)) {
      if (p.ts <= since) break;
      last.set(p.user_id, Math.max(p.ts, last.get(p.user_id) ?? 0));
    }
    for (const [userId, ts] of last) q.notePost.run(room, userId, ts);
  };
  /** Refuses a send in a slow-mode room before the sender's interval has passed (null: may send). */
  const slowModeWait = (input: NewMessage, now: number) => {
    const slow = q.slow.get({ user: input.user.id, room: input.room });
    if (!slow || slow.slow_mode_ms <= 0 || slow.exempt || slow.last === null) return null;
    if (parseRoles(slow.roles).some((r) => MODERATING_ROLES.includes(r))) return null;
    const wait = slow.last + slow.slow_mode_ms - now;
    return wait > 0 ? wait : null;
  };

  return {
    appendModerated(input) {
      const retried = messages.retried(input);
      if (retried) return retried;
      const now = Date.now();
      const room = guards.get(input.room);
      const muted = room.mutes.get(input.user.id);
      if (muted !== undefined && inForce(muted, now)) return refuse(moderationRefusals.muted(muted));
      if (room.slowModeMs === 0) return messages.insert(input);
      const wait = slowModeWait(input, now);
      if (wait !== null) return refuse(moderationRefusals.slowMode(wait));
      const stored = messages.insert(input);
      if ("message" in stored) q.notePost.run(input.room, input.user.id, stored.message.ts);
      return stored;
    },
    saveUserWithRoles(user, roles) {
      base.saveUser(user);
      if (roles !== undefined) q.saveRoles.run(JSON.stringify([...roles]), user.id);
    },
    openRoom(room, user) {
      const now = Date.now();
      const ban = active(room, user.id, "ban", now);
      if (ban) return refuse(moderationRefusals.banned(ban.until));
      q.createRoom.run(room, now);
      // The cache stays: a new settings row has no slow mode, an owner changes no guard.
      q.claimOwner.run(user.id, user.name, room);
      return info(room)!;
    },
    updateRoom({ room, by, topic, slowModeMs }) {
      if (!info(room)) return refuse(moderationRefusals.roomNotFound);
      if (topic !== undefined) q.topic.run(topic, room);
      if (slowModeMs !== undefined) q.slowMode.run(slowModeMs, room);
      if (slowModeMs !== undefined && slowModeMs > 0) notePostsSince(room, Date.now() - slowModeMs);
      guards.forget(room);
      const action = log({
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
      return { info: info(room)!, action };
    },
    moderate({ room, action, target, by, reason, durationMs, seq }) {
      if (!info(room)) return refuse(moderationRefusals.roomNotFound);
      const now = Date.now();
      const until = action === "mute" || action === "ban" ? untilOf(now, durationMs) : null;
      if (action === "mute" || action === "ban") q.restrict.run(room, target.id, action, until);
      else if (action === "unmute") q.lift.run(room, target.id, "mute");
      else if (action === "unban") q.lift.run(room, target.id, "ban");
      else if (action === "promote") q.promote.run(room, target.id, target.name, now);
      else if (action === "demote") q.demote.run(room, target.id);
      guards.forget(room);
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
  };
}
