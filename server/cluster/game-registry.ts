/**
 * Where the cluster's games live: one Redis entry per game, written by the
 * node that runs it (its owner) and read by every node for `game:list`,
 * `game:join`, `game:quickplay` and `game:spectate`. An entry expires after
 * the TTL unless its owner's heartbeat renews it, so the games of a node that
 * died leave the list within the TTL with nobody cleaning up after it.
 *
 * Keys under `prefix`:
 * - `index`     sorted set of game ids by creation time (the list's order); members whose entry expired are dropped when read
 * - `g:<id>`    the entry (JSON), with a TTL
 */
import type { GameSummary, Player } from "../protocol";
import type { RedisClient } from "./redis";

/** One game as the cluster sees it. */
export interface GameEntry {
  summary: GameSummary;
  /** The node that runs the game (its loop, its seats). */
  node: string;
  /** Users holding a seat, held ones included (quickplay gives a held seat back, whichever node asks). */
  users: string[];
  createdAt: number;
  /** When the entry goes unless renewed (ms epoch). */
  expiresAt: number;
  /** The leading player and the scores at the last write: what a `game:over` says if the owner dies. */
  leader?: Player;
  scores?: Record<string, number>;
}

export interface GameRegistry {
  /** Writes (or renews) entries, each for another TTL. */
  put(entries: Omit<GameEntry, "expiresAt">[]): Promise<void>;
  remove(ids: string[]): Promise<void>;
  get(id: string): Promise<GameEntry | undefined>;
  /** Every live entry, oldest first. */
  list(): Promise<GameEntry[]>;
  /** The live entry of each of `ids`, undefined where there is none. */
  getMany(ids: string[]): Promise<(GameEntry | undefined)[]>;
  readonly ttlMs: number;
}

/**
 * @example
 * const registry = redisGameRegistry(redis.client, { ttlMs: 15_000 });
 * await registry.put([{ summary, node: "a", users: [], createdAt: Date.now() }]);
 */
export function redisGameRegistry(client: RedisClient, opts: { ttlMs: number; prefix?: string }): GameRegistry {
  const P = opts.prefix ?? "parlor:games:";
  const ttlMs = opts.ttlMs;
  const parse = (json: string | null | undefined) => (json ? (JSON.parse(json) as GameEntry) : undefined);
  return {
    ttlMs,
    async put(entries) {
      if (entries.length === 0) return;
      const expiresAt = Date.now() + ttlMs;
      const multi = client.multi();
      for (const e of entries) {
        multi.zAdd(`${P}index`, { score: e.createdAt, value: e.summary.id }, { NX: true });
        multi.set(`${P}g:${e.summary.id}`, JSON.stringify({ ...e, expiresAt }), { PX: ttlMs });
      }
      await multi.exec();
    },
    async remove(ids) {
      if (ids.length === 0) return;
      await client
        .multi()
        .zRem(`${P}index`, ids)
        .del(ids.map((id) => `${P}g:${id}`))
        .exec();
    },
    async get(id) {
      return parse(await client.get(`${P}g:${id}`));
    },
    async list() {
      const ids = await client.zRange(`${P}index`, 0, -1);
      if (ids.length === 0) return [];
      const values = await client.mGet(ids.map((id) => `${P}g:${id}`));
      const gone = ids.filter((_, i) => !values[i]);
      // Entries of a dead owner expired on their own; their index members go now.
      if (gone.length > 0) await client.zRem(`${P}index`, gone);
      return values.flatMap((v) => (v ? [parse(v)!] : []));
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      return (await client.mGet(ids.map((id) => `${P}g:${id}`))).map(parse);
    },
  };
}
