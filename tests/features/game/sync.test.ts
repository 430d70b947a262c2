/**
 * Over real sockets: a client's join snapshot with every delta (and resync
 * snapshot) it received applied in order, with the shared game-sync module,
 * equals the server's state at that tick; for a client that asked for
 * extrapolated deltas too, with far fewer `moved` entries.
 */
import type { GameJoinData, Snapshot } from "../../../server/protocol";
import { emitAck, okData, setup, type TestServer } from "../../helpers";
import { advance, applyDelta, fromSnapshot, toSnapshot, type SyncState } from "../../../static/game-sync";
import { record, sleep, towardNearestOrb, whereNow } from "./socket-support";

let t: TestServer;
beforeEach(async () => (t = await setup({ gameRestartMs: 200 })));
afterEach(() => t.cleanup());

/** What replaying one client's events gave: how many ticks matched the server, resync snapshots, `moved` entries received, the final state. */
interface Replay {
  compared: number;
  resyncs: number;
  movedEntries: number;
  state: SyncState;
}

/**
 * Replays what a client received and compares it with the server at every
 * tick from its join on; between deltas the client moves players on by
 * their velocity itself (`advance`), as game-sync does.
 */
function replay(events: { event: string; payload: unknown }[], serverAt: Map<number, Snapshot>): Replay {
  let state: SyncState | undefined;
  let joinTick = -1;
  let compared = 0;
  let resyncs = 0;
  let movedEntries = 0;
  const compareAt = (tick: number) => {
    const server = serverAt.get(tick);
    if (!server || tick <= joinTick) return; // the join snapshot is taken between ticks
    advance(state!, tick);
    expect(toSnapshot(state!)).toEqual(server);
    compared++;
  };
  for (const { event, payload } of events) {
    if (event !== "game:state" && event !== "game:delta") continue;
    const { tick } = payload as { tick: number };
    if (state) for (let t = state.tick + 1; t < tick; t++) compareAt(t);
    if (event === "game:state") {
      state = fromSnapshot(payload as Snapshot);
      if (joinTick < 0) joinTick = tick;
      resyncs++;
    } else {
      const delta = payload as Parameters<typeof applyDelta>[1];
      movedEntries += delta.moved?.length ?? 0;
      applyDelta(state!, delta);
    }
    compareAt(tick);
  }
  return { compared, resyncs, movedEntries, state: state! };
}

test("snapshot + deltas received = the server's state at each tick, for exact and for extrapolating clients", async () => {
  const room = t.parlor.games.create({ name: "sync" }, { orbCap: 60, winScore: 4 });
  const serverAt = new Map<number, Snapshot>();
  const stop = t.parlor.games.observe((r) => {
    if (r === room) serverAt.set(r.world.tick, r.snapshot());
  });

  // Two watchers: one takes deltas as PROTOCOL.md describes them, one asks for the extrapolated kind.
  const watcher = await t.connectPlayer("Watcher");
  const rec = record(watcher.socket);
  okData(await emitAck<GameJoinData>(watcher.socket, "game:join", { gameId: room.id }));
  const reckoner = await t.connectPlayer("Reckoner");
  const reckoned = record(reckoner.socket);
  okData(await emitAck<GameJoinData>(reckoner.socket, "game:join", { gameId: room.id, extrapolate: true }));
  const players = await Promise.all(["Ada", "Bob", "Cyd"].map((n) => t.connectPlayer(n)));
  const seated = await Promise.all(players.map((p) => emitAck<GameJoinData>(p.socket, "game:join", { gameId: room.id }).then(okData)));

  // Everyone hunts orbs (so orbs go and come, scores change, a round ends and restarts); Cyd leaves half-way.
  const seq = [0, 0, 0];
  for (let step = 0; step < 40; step++) {
    players.forEach((p, i) => {
      if (i === 2 && step >= 20) return;
      const me = whereNow(rec, seated[i].playerId);
      if (me) p.socket.emit("game:input", { seq: ++seq[i], dir: towardNearestOrb(me.x, me.y, rec.state!.orbs.values()) });
    });
    if (step === 20) okData(await emitAck(players[2].socket, "game:leave", {}));
    await sleep(50);
  }
  await sleep(150);
  stop();

  const exact = replay(rec.events, serverAt);
  const extrapolated = replay(reckoned.events, serverAt);
  for (const r of [exact, extrapolated]) {
    expect(r.compared).toBeGreaterThan(30);
    expect(r.resyncs).toBeGreaterThanOrEqual(2); // join + at least one new round
    expect(toSnapshot(r.state).players.map((p) => p.name)).toEqual(["Watcher", "Reckoner", "Ada", "Bob"]);
  }
  expect(rec.events.some((e) => e.event === "game:over")).toBe(true);
  // Hunters go straight for a while: most of their moves are predictable.
  expect(extrapolated.movedEntries).toBeGreaterThan(0);
  expect(extrapolated.movedEntries).toBeLessThan(exact.movedEntries / 2);
});
