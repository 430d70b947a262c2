/**
 * Where finished rounds go: in memory (MemoryRoundArchive: the last rounds of
 * each game and a bounded total, so a node that runs for weeks holds a fixed
 * amount), or in the message store's SQLite or PostgreSQL database
 * (storedRoundArchive), where they survive restarts.
 */
import type { RoundStore } from "../../storage/rounds";
import { summarizeRound, type RoundRecord, type RoundSummary } from "./recorder";

export interface RoundArchive {
  /** Stores a finished round (older rounds of its game may be dropped by retention). */
  save(record: RoundRecord): Promise<void>;
  /** `game:replays`: newest first, at most `limit`; every game's rounds when `gameId` is undefined; unknown game: []. */
  list(gameId: string | undefined, limit: number): Promise<RoundSummary[]>;
  /** `game:replay`: the record, or undefined when unknown or no longer kept. */
  get(id: string): Promise<RoundRecord | undefined>;
}

export interface MemoryRoundArchiveOptions {
  /** Rounds kept per game (the newest). Default 20. */
  perGame?: number;
  /** Rounds kept in all (the newest). Default 200: a minute of 8 players steering every tick is ~0.7 MB of record. */
  total?: number;
}

/**
 * @example
 * const archive = new MemoryRoundArchive({ perGame: 5 });
 * await archive.save(record);
 * (await archive.list(record.gameId, 20))[0].id === record.id;
 */
export class MemoryRoundArchive implements RoundArchive {
  private readonly perGame: number;
  private readonly total: number;
  /** Insertion order is age: the first entry is the oldest round. */
  private readonly byId = new Map<string, { record: RoundRecord; summary: RoundSummary }>();
  private readonly byGame = new Map<string, string[]>();

  constructor(options: MemoryRoundArchiveOptions = {}) {
    this.perGame = Math.max(1, options.perGame ?? 20);
    this.total = Math.max(1, options.total ?? 200);
  }

  /** Rounds held now. */
  get size(): number {
    return this.byId.size;
  }

  async save(record: RoundRecord): Promise<void> {
    if (this.byId.has(record.id)) return;
    this.byId.set(record.id, { record, summary: summarizeRound(record) });
    let ids = this.byGame.get(record.gameId);
    if (!ids) this.byGame.set(record.gameId, (ids = []));
    ids.push(record.id);
    while (ids.length > this.perGame) this.byId.delete(ids.shift()!);
    while (this.byId.size > this.total) this.drop(this.byId.keys().next().value!);
  }

  async list(gameId: string | undefined, limit: number): Promise<RoundSummary[]> {
    const out: RoundSummary[] = [];
    if (gameId !== undefined) {
      const ids = this.byGame.get(gameId) ?? [];
      for (let i = ids.length - 1; i >= 0 && out.length < limit; i--) out.push(this.byId.get(ids[i])!.summary);
      return out;
    }
    const all = [...this.byId.values()];
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) out.push(all[i].summary);
    return out;
  }

  async get(id: string): Promise<RoundRecord | undefined> {
    return this.byId.get(id)?.record;
  }

  private drop(id: string): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    this.byId.delete(id);
    const ids = this.byGame.get(entry.record.gameId);
    if (!ids) return;
    const at = ids.indexOf(id);
    if (at >= 0) ids.splice(at, 1);
    if (ids.length === 0) this.byGame.delete(entry.record.gameId);
  }
}

/**
 * An archive in the message store's database (SQLite or PostgreSQL): rounds
 * survive restarts, and on PostgreSQL every node sees every node's rounds.
 * Retention as the memory archive: the newest `perGame` per game (default
 * 20, PARLOR_GAME_REPLAYS_PER_GAME) and the newest `total` (default 5,000).
 *
 * @example
 * const archive = storedRoundArchive(store.rounds!, { perGame: config.gameReplaysPerGame });
 */
export function storedRoundArchive(table: RoundStore, options: MemoryRoundArchiveOptions = {}): RoundArchive {
  const keep = { perGame: Math.max(1, options.perGame ?? 20), total: Math.max(1, options.total ?? 5000) };
  return {
    save: (record) => table.saveRound(record, summarizeRound(record), keep),
    list: (gameId, limit) => table.listRounds(gameId, limit),
    get: (id) => table.getRound(id),
  };
}
