/**
 * SQLite tables and statements of the recorded rounds (storage/rounds.ts).
 * The schema is created by migrateSqlite (CREATE TABLE IF NOT EXISTS: no
 * version bump, any file gets it); the writes run on the writer thread inside
 * its group commit, the reads on the reads thread. Records are stored as
 * JSON text exactly as given: a re-simulation must see the same values in the
 * same order.
 */
import type { Database } from "better-sqlite3";
import type { RoundRecord, RoundSummary } from "../features/game/recorder";
import type { RoundRetention } from "./rounds";

export const SQLITE_ROUNDS_SCHEMA = `
CREATE TABLE IF NOT EXISTS game_rounds (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  game_id TEXT NOT NULL,
  ended_at INTEGER NOT NULL,
  summary TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS game_rounds_by_game ON game_rounds (game_id, seq);
`;

/** Creates the rounds table on any schema version (called by migrateSqlite). */
export function migrateRounds(db: Database): void {
  db.exec(SQLITE_ROUNDS_SCHEMA);
}

/** Writer-thread ops (sqlite-worker.ts runWriter). */
export function prepareRoundWrites(db: Database) {
  const insert = db.prepare<[string, string, number, string, string]>(
    "INSERT OR IGNORE INTO game_rounds (id, game_id, ended_at, summary, record) VALUES (?, ?, ?, ?, ?)",
  );
  // Retention runs in the same transaction as the insert: never more than the bound on disk.
  const trimGame = db.prepare<[string, string, number]>(
    "DELETE FROM game_rounds WHERE game_id = ? AND seq < (SELECT min(seq) FROM (SELECT seq FROM game_rounds WHERE game_id = ? ORDER BY seq DESC LIMIT ?))",
  );
  const trimTotal = db.prepare<[number]>(
    "DELETE FROM game_rounds WHERE seq < (SELECT min(seq) FROM (SELECT seq FROM game_rounds ORDER BY seq DESC LIMIT ?))",
  );
  return {
    saveRound(record: RoundRecord, summary: RoundSummary, keep: RoundRetention): null {
      const { changes } = insert.run(record.id, record.gameId, record.endedAt, JSON.stringify(summary), JSON.stringify(record));
      if (changes === 0) return null;
      trimGame.run(record.gameId, record.gameId, Math.max(1, keep.perGame));
      trimTotal.run(Math.max(1, keep.total));
      return null;
    },
  };
}

/** Reads-thread ops (sqlite-worker.ts runReader). */
export function prepareRoundReads(db: Database) {
  const byGame = db.prepare<[string, number], { summary: string }>(
    "SELECT summary FROM game_rounds WHERE game_id = ? ORDER BY seq DESC LIMIT ?",
  );
  const every = db.prepare<[number], { summary: string }>("SELECT summary FROM game_rounds ORDER BY seq DESC LIMIT ?");
  const one = db.prepare<[string], { record: string }>("SELECT record FROM game_rounds WHERE id = ?");
  return {
    listRounds(gameId: string | undefined, limit: number): RoundSummary[] {
      const rows = gameId === undefined ? every.all(limit) : byGame.all(gameId, limit);
      return rows.map((r) => JSON.parse(r.summary) as RoundSummary);
    },
    getRound(id: string): RoundRecord | undefined {
      const row = one.get(id);
      return row ? (JSON.parse(row.record) as RoundRecord) : undefined;
    },
  };
}
