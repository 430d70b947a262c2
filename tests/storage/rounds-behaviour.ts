/** What every store's round table does (SQLite: tests/storage/rounds.test.ts; PostgreSQL: tests/cluster/rounds-postgres.test.ts). */
import { MemoryRoundArchive, storedRoundArchive } from "../../server/features/game/archive";
import type { RoundRecord } from "../../server/features/game/recorder";
import { resimulate } from "../../server/features/game/replay";
import type { MessageStore } from "../../server/storage/types";
import { arena, playBots } from "../features/game/bots";

/** Real recorded rounds, oldest first: seeded bots playing (with joins, leaves and disconnects mid-round). */
export async function recordedRounds(seed: number, seconds = 30): Promise<RoundRecord[]> {
  const a = arena(seed);
  playBots(a, seed, seconds);
  a.games.disposeAll();
  const archive = a.archive as MemoryRoundArchive;
  const list = await archive.list(undefined, 1_000_000);
  return Promise.all(list.reverse().map(async (s) => (await archive.get(s.id))!));
}

/** A copy of `record` as another round of `gameId` (retention tests need many rounds of one game). */
const asRoundOf = (record: RoundRecord, gameId: string, n: number): RoundRecord => ({ ...record, id: `${gameId}-r${n}`, gameId, round: n });

/**
 * Registers the behaviour tests. `open` gives a store on the same database
 * each time (a restart); the caller closes nothing: each test closes its stores.
 */
export function roundStoreBehaviour(open: () => Promise<MessageStore>): void {
  test("recorded rounds survive a restart and re-simulate to the live game:over", async () => {
    const records = (await recordedRounds(5)).slice(0, 6);
    expect(records.length).toBeGreaterThanOrEqual(3);
    const first = await open();
    const archive = storedRoundArchive(first.rounds!, { perGame: 100 });
    for (const r of records) await archive.save(r);
    await archive.save(records[0]); // a second save of one id is a no-op
    await first.close();

    const again = await open();
    try {
      const reopened = storedRoundArchive(again.rounds!, { perGame: 100 });
      const listed = await reopened.list(undefined, 50);
      const mine = listed.filter((s) => records.some((r) => r.id === s.id));
      expect(mine.map((s) => s.id)).toEqual(records.map((r) => r.id).reverse());
      expect(mine[0]).toEqual({
        id: records.at(-1)!.id,
        gameId: records.at(-1)!.gameId,
        round: records.at(-1)!.round,
        players: expect.any(Array),
        winner: records.at(-1)!.winner.user,
        ticks: records.at(-1)!.endTick - records.at(-1)!.start.tick,
        endedAt: records.at(-1)!.endedAt,
      });
      for (const r of records) {
        const stored = (await reopened.get(r.id))!;
        expect(stored).toEqual(r);
        const over = resimulate(stored);
        expect({ scores: over.scores, stateHash: over.stateHash }).toEqual(r.final);
      }
      expect(await reopened.get("no-such-round")).toBeUndefined();
      expect(await reopened.list("no-such-game", 20)).toEqual([]);
    } finally {
      await again.close();
    }
  }, 60_000);

  test("retention: the newest perGame rounds of each game and the newest total", async () => {
    const [base] = await recordedRounds(7, 10);
    const store = await open();
    try {
      const archive = storedRoundArchive(store.rounds!, { perGame: 3, total: 1000 });
      for (let n = 1; n <= 5; n++) await archive.save(asRoundOf(base, "keep-a", n));
      await archive.save(asRoundOf(base, "keep-b", 1));
      expect((await archive.list("keep-a", 20)).map((s) => s.round)).toEqual([5, 4, 3]);
      expect((await archive.list("keep-a", 2)).map((s) => s.round)).toEqual([5, 4]);
      expect(await archive.get("keep-a-r1")).toBeUndefined();
      expect((await archive.list("keep-b", 20)).map((s) => s.id)).toEqual(["keep-b-r1"]);

      const small = storedRoundArchive(store.rounds!, { perGame: 10, total: 2 });
      await small.save(asRoundOf(base, "keep-c", 1));
      await small.save(asRoundOf(base, "keep-c", 2));
      expect((await small.list(undefined, 20)).map((s) => s.id)).toEqual(["keep-c-r2", "keep-c-r1"]);
    } finally {
      await store.close();
    }
  }, 60_000);
}
