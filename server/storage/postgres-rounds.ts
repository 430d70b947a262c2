/**
 * PostgreSQL side of the recorded rounds (storage/rounds.ts): the table is
 * migration "game rounds" in postgres-schema.ts. The record is TEXT, not
 * JSONB: JSONB reorders object keys, and a re-simulation must see the record
 * exactly as it was recorded. One database serves the whole cluster, so every
 * node lists every recorded round.
 */
import type { Pool } from "pg";
import type { RoundRecord, RoundSummary } from "../features/game/recorder";
import { inTransaction } from "./postgres-lifecycle";
import type { RoundStore } from "./rounds";

export const PG_ROUNDS_SQL = `
CREATE TABLE game_rounds (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  game_id TEXT NOT NULL,
  ended_at BIGINT NOT NULL,
  summary JSONB NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX game_rounds_by_game ON game_rounds (game_id, seq);
`;

/**
 * @example
 * const rounds = postgresRounds(pool);
 * await rounds.saveRound(record, summarizeRound(record), { perGame: 20, total: 5000 });
 */
export function postgresRounds(pool: Pool): RoundStore {
  return {
    saveRound: (record, summary, keep) =>
      inTransaction(pool, async (db) => {
        const inserted = await db.query(
          "INSERT INTO game_rounds (id, game_id, ended_at, summary, record) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
          [record.id, record.gameId, record.endedAt, JSON.stringify(summary), JSON.stringify(record)],
        );
        if (inserted.rowCount === 0) return;
        await db.query(
          "DELETE FROM game_rounds WHERE game_id = $1 AND seq < (SELECT min(seq) FROM (SELECT seq FROM game_rounds WHERE game_id = $1 ORDER BY seq DESC LIMIT $2) kept)",
          [record.gameId, Math.max(1, keep.perGame)],
        );
        await db.query(
          "DELETE FROM game_rounds WHERE seq < (SELECT min(seq) FROM (SELECT seq FROM game_rounds ORDER BY seq DESC LIMIT $1) kept)",
          [Math.max(1, keep.total)],
        );
      }),
    async listRounds(gameId, limit) {
      const { rows } =
        gameId === undefined
          ? await pool.query<{ summary: RoundSummary }>("SELECT summary FROM game_rounds ORDER BY seq DESC LIMIT $1", [limit])
          : await pool.query<{ summary: RoundSummary }>("SELECT summary FROM game_rounds WHERE game_id = $1 ORDER BY seq DESC LIMIT $2", [
              gameId,
              limit,
            ]);
      return rows.map((r) => r.summary);
    },
    async getRound(id) {
      const { rows } = await pool.query<{ record: string }>("SELECT record FROM game_rounds WHERE id = $1", [id]);
      return rows[0] ? (JSON.parse(rows[0].record) as RoundRecord) : undefined;
    },
  };
}
