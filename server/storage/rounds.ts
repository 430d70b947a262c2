/**
 * Recorded game rounds (issue 17), kept by the message store's database so a
 * replay outlives the node that played it. The store keeps them as opaque
 * JSON: what a record holds is the game's business (features/game/recorder.ts).
 */
import type { RoundRecord, RoundSummary } from "../features/game/recorder";

/** How many rounds are kept: the newest `perGame` of each game, and the newest `total` in all. */
export interface RoundRetention {
  perGame: number;
  total: number;
}

/** Default retention: 20 per game (PARLOR_GAME_REPLAYS_PER_GAME), 5,000 in all (games come and go; a round is up to ~0.7 MB). */
export const DEFAULT_ROUND_RETENTION: RoundRetention = { perGame: 20, total: 5000 };

export interface RoundStore {
  /** Stores a finished round (a second save of the same id is a no-op), then drops what retention no longer keeps. */
  saveRound(record: RoundRecord, summary: RoundSummary, keep: RoundRetention): Promise<void>;
  /** Newest first, at most `limit`; every game's when `gameId` is undefined. */
  listRounds(gameId: string | undefined, limit: number): Promise<RoundSummary[]>;
  getRound(id: string): Promise<RoundRecord | undefined>;
}
