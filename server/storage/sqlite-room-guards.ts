/**
 * What `message:send` checks in its room before storing (slow mode, mutes),
 * cached in the writer thread so that a send in a room without slow mode or
 * mutes costs no query for them.
 *
 * The cache is only as good as what the writer knows, so it forgets:
 * - a room, when the writer changes its settings or restrictions
 *   (sqlite-moderation-writes.ts);
 * - everything, when a transaction or a write's savepoint rolls back (what it
 *   loaded may have been a rolled-back change), or when another connection
 *   has committed since the writer's last transaction (`PRAGMA data_version`):
 *   two nodes may share one SQLite file, and a mute stored by either holds at
 *   once on both.
 */
import type { Database } from "better-sqlite3";

export interface RoomGuards {
  /** 0: no slow mode. */
  slowModeMs: number;
  /** Muted users and when their mute ends (null: open-ended); expired ones included. */
  mutes: ReadonlyMap<string, number | null>;
}

export interface RoomGuardCache {
  get(room: string): RoomGuards;
  /** The writer changed this room's settings or restrictions. */
  forget(room: string): void;
  /** Transaction hooks (group-commit.ts). */
  begin(): void;
  rolledBack(): void;
}

/** Rooms kept; past this the oldest loaded is dropped (a room costs two small queries to load again). */
const MAX_ROOMS = 10_000;

export function prepareRoomGuards(db: Database): RoomGuardCache {
  const q = {
    dataVersion: db.prepare<[], number>("PRAGMA data_version").pluck(),
    slowMode: db.prepare<[string], number>("SELECT slow_mode_ms FROM room_settings WHERE room = ?").pluck(),
    mutes: db.prepare<[string], { user_id: string; until: number | null }>(
      "SELECT user_id, until FROM room_restrictions WHERE room = ? AND kind = 'mute'",
    ),
  };
  const rooms = new Map<string, RoomGuards>();
  let seenVersion: number | undefined;
  const load = (room: string): RoomGuards => ({
    slowModeMs: q.slowMode.get(room) ?? 0,
    mutes: new Map(q.mutes.all(room).map((m) => [m.user_id, m.until])),
  });
  return {
    get(room) {
      let guards = rooms.get(room);
      if (!guards) {
        guards = load(room);
        if (rooms.size >= MAX_ROOMS) rooms.delete(rooms.keys().next().value!);
        rooms.set(room, guards);
      }
      return guards;
    },
    forget: (room) => void rooms.delete(room),
    begin() {
      const version = q.dataVersion.get();
      if (version !== seenVersion) rooms.clear();
      seenVersion = version;
    },
    rolledBack: () => rooms.clear(),
  };
}
