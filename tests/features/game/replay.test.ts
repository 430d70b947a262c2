import { MemoryRoundArchive } from "../../../server/features/game/archive";
import type { RoundRecord } from "../../../server/features/game/recorder";
import { ReplayMismatch, resimulate, RoundReplay } from "../../../server/features/game/replay";
import type { GameOver } from "../../../server/protocol";
import { arena, playBots, TICK } from "./bots";
import { conn, user } from "./support";

async function records(archive: MemoryRoundArchive): Promise<RoundRecord[]> {
  const list = await archive.list(undefined, 1_000_000);
  return Promise.all(list.reverse().map(async (s) => (await archive.get(s.id))!));
}

test("re-simulating many recorded rounds (bots joining, leaving, disconnecting, resuming mid-round) gives the live game:over exactly", async () => {
  let rounds = 0;
  const seen = new Set<string>();
  for (let seed = 1; seed <= 16; seed++) {
    const a = arena(seed);
    playBots(a, seed, 40);
    const overs = a.transport.received("watch", "game:over");
    const recorded = await records(a.archive);
    // Every finished round is recorded, in the order it ended.
    expect(recorded.map((r) => r.final.stateHash)).toEqual(overs.map((o) => o.stateHash));
    recorded.forEach((record, i) => {
      expect(resimulate(record)).toEqual(overs[i]);
      expect(record.final).toEqual({ scores: overs[i].scores, stateHash: overs[i].stateHash });
      for (const e of record.events) if (e.tick > record.start.tick && e.type !== "input") seen.add(e.type);
    });
    rounds += recorded.length;
    a.games.disposeAll();
    expect(a.clock.pending).toBe(0);
  }
  expect(rounds).toBeGreaterThanOrEqual(100);
  expect([...seen].sort()).toEqual(["disconnect", "join", "leave", "resume"]);
});

test("a replay streams what a spectator saw live: the round's game:state, every delta, then the same game:over", async () => {
  const a = arena(3);
  playBots(a, 3, 30);
  const live = a.transport.sent.filter((s) => s.to === "watch");
  const recorded = (await records(a.archive)).filter((r) => r.round > 1);
  expect(recorded.length).toBeGreaterThan(3);
  for (const record of recorded) {
    // A later round starts with the snapshot every client gets at its start.
    const overAt = live.findIndex((s) => s.event === "game:over" && (s.payload as GameOver).stateHash === record.final.stateHash);
    let stateAt = overAt;
    while (live[stateAt].event !== "game:state") stateAt--;
    const expected = live.slice(stateAt, overAt + 1).map(({ event, payload }) => ({ event, payload }));

    const viewer = conn(`viewer-${record.id}`);
    a.transport.clear();
    const { replay } = await a.games.replay(record.id, viewer, 8);
    expect(replay).toEqual({ id: record.id, gameId: record.gameId, ticks: record.endTick - record.start.tick, final: record.final });
    expect(a.transport.received(viewer.id, "game:state")).toEqual([]); // the ack comes first
    a.clock.advance(((replay.ticks + 1) * TICK) / 8);
    const streamed = a.transport.sent.filter((s) => s.to === viewer.id).map(({ event, payload }) => ({ event, payload }));
    expect(streamed).toEqual(expected);
    expect(a.games.replayCount).toBe(0);
  }
  a.games.disposeAll();
});

test("game:replay plays tickHz × speed ticks per second; game:leave stops it; speed outside 1–8 is BAD_REQUEST, an unknown id NOT_FOUND", async () => {
  const a = arena(5);
  playBots(a, 5, 20);
  const [latest] = await a.games.replays(undefined, 1);
  const viewer = conn("viewer");
  const { replay } = await a.games.replay(latest.id, viewer, 1);
  a.clock.advance(replay.ticks * TICK); // one step short at 1×
  expect(a.transport.received("viewer", "game:over")).toEqual([]);
  a.clock.advance(TICK);
  expect(a.transport.received("viewer", "game:over")).toEqual([expect.objectContaining(replay.final)]);

  a.transport.clear();
  await a.games.replay(latest.id, viewer, 2);
  a.clock.advance(TICK * 5);
  a.games.leave(viewer);
  const toViewer = () => a.transport.sent.filter((s) => s.to === "viewer").length;
  const sent = toViewer();
  expect(sent).toBeGreaterThan(0);
  a.clock.advance(replay.ticks * TICK);
  expect(toViewer()).toBe(sent);
  expect(a.games.replayCount).toBe(0);

  for (const speed of [0, 9, 1.5]) await expect(a.games.replay(latest.id, viewer, speed)).rejects.toMatchObject({ code: "BAD_REQUEST" });
  await expect(a.games.replay("nope", viewer, 1)).rejects.toMatchObject({ code: "NOT_FOUND" });
  a.games.disposeAll();
  expect(a.clock.pending).toBe(0);
});

test("game:replays lists rounds newest first with users, winner, ticks and endedAt; an unknown game gives []", async () => {
  const a = arena(9);
  playBots(a, 9, 30);
  const { gameId } = (await a.games.replays(undefined, 1))[0];
  const list = await a.games.replays(gameId, 50);
  expect(list.length).toBeGreaterThan(1);
  expect(list.map((r) => r.round)).toEqual([...list.map((r) => r.round)].sort((x, y) => y - x));
  for (const r of list) {
    expect(r).toEqual({
      id: expect.any(String),
      gameId,
      round: expect.any(Number),
      players: expect.any(Array),
      winner: expect.anything(),
      ticks: expect.any(Number),
      endedAt: expect.any(Number),
    });
    expect(r.players).toContainEqual(r.winner);
    expect(r.winner).toEqual({ id: expect.stringMatching(/^u\d$/), name: expect.stringMatching(/^Bot \d$/) });
  }
  expect(await a.games.replays("nope", 20)).toEqual([]);
  expect(await a.games.replays(gameId, 2)).toEqual(list.slice(0, 2));
  a.games.disposeAll();
});

test("a round whose players all leave, or all let their held seats expire, before it ends is not recorded", async () => {
  const a = arena(11, { winScore: 1000 });
  const room = a.games.create();
  const p = conn("p");
  a.games.join(room.id, user("u1"), p);
  a.games.input(p, 1, { x: 1, y: 1 });
  a.clock.advance(TICK * 20);
  expect(room.recording).toBe(true);
  a.games.leave(p);
  expect(room.disposed).toBe(true);

  const again = a.games.create();
  const q = conn("q");
  const r = conn("r");
  a.games.join(again.id, user("u2"), q);
  a.games.join(again.id, user("u3"), r);
  a.clock.advance(TICK * 5);
  a.games.disconnect(q);
  a.games.disconnect(r);
  a.clock.advance(1000);
  expect(again.disposed).toBe(true);
  expect(a.archive.size).toBe(0);
  expect(a.clock.pending).toBe(0);
});

test("winScore (PARLOR_GAME_WIN_SCORE) decides the round, and the record keeps the rules it was played with", async () => {
  const a = arena(13, { winScore: 2 });
  playBots(a, 13, 10, 4);
  const overs = a.transport.received("watch", "game:over");
  expect(overs.length).toBeGreaterThan(0);
  for (const over of overs) expect(over.winner.score).toBe(2);
  const [record] = await records(a.archive);
  expect(record.rules.winScore).toBe(2);
  a.games.disposeAll();
});

test("a tampered record does not replay to a different ending: ReplayMismatch", async () => {
  const a = arena(17);
  playBots(a, 17, 20);
  const [record] = await records(a.archive);
  const inputs = record.events.filter((e) => e.type === "input");
  const tampered: RoundRecord = { ...record, events: record.events.filter((e) => e !== inputs[Math.floor(inputs.length / 2)]) };
  const bySeed: RoundRecord = { ...record, seed: (record.seed + 1) >>> 0 };
  for (const bad of [tampered, bySeed]) {
    let over: GameOver | undefined;
    try {
      over = resimulate(bad);
    } catch (err) {
      expect(err).toBeInstanceOf(ReplayMismatch);
      continue;
    }
    expect(over.stateHash).not.toBe(record.final.stateHash);
  }
  const replay = new RoundReplay(record);
  while (!replay.step().over);
  expect(replay.done).toBe(true);
  expect(() => replay.step()).toThrow();
  a.games.disposeAll();
});

test("the memory archive keeps the last N rounds per game and a bounded total", async () => {
  const archive = new MemoryRoundArchive({ perGame: 3, total: 5 });
  const a = arena(19);
  playBots(a, 19, 30);
  const all = await records(a.archive);
  expect(all.length).toBeGreaterThan(5);
  const first = all[0];
  for (const [i, r] of all.slice(0, 4).entries()) await archive.save({ ...r, id: `r${i}`, gameId: "g1" });
  expect((await archive.list("g1", 50)).map((r) => r.id)).toEqual(["r3", "r2", "r1"]);
  expect(await archive.get("r0")).toBeUndefined();
  for (const [i, r] of all.entries()) if (i >= 4) await archive.save({ ...r, id: `r${i}`, gameId: `g${i}` });
  expect(archive.size).toBe(5);
  const newest = await archive.list(undefined, 2);
  expect(newest.map((r) => r.id)).toEqual([`r${all.length - 1}`, `r${all.length - 2}`]);
  expect(first.round).toBe(1);
  a.games.disposeAll();
});
