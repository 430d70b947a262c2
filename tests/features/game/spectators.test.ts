import { GameManager } from "../../../server/features/game/manager";
import { seededRandom } from "../../../server/features/game/rng";
import { spectatorGroup, type GameEmitter } from "../../../server/features/game/transport";
import type { GameOptions } from "../../../server/features/game/options";
import { conn, ManualClock, RecordingTransport, user } from "./support";

const TICK = 50;

/** Counts broadcasts per group: spectators' deltas should be one per tick, whatever their number. */
class CountingTransport extends RecordingTransport {
  readonly broadcasts = new Map<string, number>();
  override toGame(gameId: string): GameEmitter {
    this.broadcasts.set(gameId, (this.broadcasts.get(gameId) ?? 0) + 1);
    return super.toGame(gameId);
  }
}

function setup(overrides: Partial<GameOptions> = {}) {
  const clock = new ManualClock();
  const transport = new CountingTransport();
  const games = new GameManager({ transport, clock, random: seededRandom(21), options: { orbCap: 3, restartDelayMs: 100, ...overrides } });
  const room = games.create({ maxPlayers: 4 });
  const player = conn("p");
  const { playerId } = games.join(room.id, user("up", "Pat"), player);
  return { clock, transport, games, room, player, playerId };
}

test("a spectator gets game:state at once, then the deltas the players get (ackSeq 0), without a seat", () => {
  const { clock, transport, games, room, player, playerId } = setup();
  const watcher = conn("w");
  const { game, state } = games.spectate(room.id, watcher);
  expect(game).toMatchObject({ id: room.id, players: 1 });
  expect(state.players.map((p) => p.id)).toEqual([playerId]);
  expect(transport.received("w", "game:state")).toEqual([state]);
  expect(room.spectatorCount).toBe(1);
  expect(room.playerCount).toBe(1);
  expect(watcher.seat).toBeUndefined();

  games.input(player, 1, { x: 1, y: 0 });
  expect(games.input(watcher, 1, { x: 0, y: 1 })).toBe(false);
  clock.advance(TICK * 3);
  const seen = transport.received("w", "game:delta");
  const played = transport.received("p", "game:delta");
  expect(seen.length).toBe(3);
  expect(seen).toEqual(played.map((d) => ({ ...d, ackSeq: 0 })));
  expect(seen[0].joined).toEqual([expect.objectContaining({ id: playerId, vx: 200 })]);
  expect(seen[1].moved).toEqual([expect.objectContaining({ id: playerId, vx: 200 })]);
});

test("spectators get game:over and the next round's game:state; they are not players (a game of spectators ends with its last player)", () => {
  const { clock, transport, games, room, player } = setup({ winScore: 1, orbCap: 20 });
  const watcher = conn("w");
  games.spectate(room.id, watcher);
  for (let i = 1; transport.received("p", "game:over").length === 0 && i < 2000; i++) {
    games.input(
      player,
      i,
      [
        { x: 1, y: 0 },
        { x: 0, y: 1 },
        { x: -1, y: 0 },
        { x: 0, y: -1 },
      ][Math.floor(i / 40) % 4] as never,
    );
    clock.advance(TICK);
  }
  const [over] = transport.received("p", "game:over");
  expect(over.stateHash).toMatch(/^[0-9a-f]{64}$/);
  expect(transport.received("w", "game:over")).toEqual([over]);
  transport.clear();
  clock.advance(200);
  expect(transport.received("w", "game:state")).toEqual(transport.received("p", "game:state"));
  expect(transport.received("w", "game:state")).toHaveLength(1);

  games.leave(player);
  expect(room.disposed).toBe(true);
  expect(watcher.spectating).toBeUndefined();
  expect(transport.groups.get(spectatorGroup(room.id, false))?.size ?? 0).toBe(0);
});

test("at most 100 spectators: the 101st gets CONFLICT; one already watching may spectate again", () => {
  const { games, room } = setup();
  const watchers = Array.from({ length: 100 }, (_, i) => conn(`w${i}`));
  for (const w of watchers) games.spectate(room.id, w);
  expect(room.spectatorCount).toBe(100);
  expect(() => games.spectate(room.id, conn("w100"))).toThrow(expect.objectContaining({ code: "CONFLICT" }));
  expect(() => games.spectate(room.id, watchers[0], { extrapolate: true })).not.toThrow();
  expect(room.spectatorCount).toBe(100);
  expect(room.summary().players).toBe(1);
  expect(() => games.spectate("nope", conn("x"))).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
});

test("a tick's delta reaches every spectator in one broadcast per delta kind", () => {
  const { clock, transport, games, room, player } = setup();
  for (let i = 0; i < 50; i++) games.spectate(room.id, conn(`w${i}`), { extrapolate: i % 2 === 0 });
  transport.broadcasts.clear();
  games.input(player, 1, { x: 1, y: 0 });
  clock.advance(TICK);
  expect(transport.broadcasts.get(spectatorGroup(room.id, false))).toBe(1);
  expect(transport.broadcasts.get(spectatorGroup(room.id, true))).toBe(1);
  expect(transport.received("w1", "game:delta")).toHaveLength(1);
  expect(transport.received("w0", "game:delta")).toHaveLength(1);
  // Moving on by velocity is what an extrapolating spectator does itself.
  clock.advance(TICK);
  expect(transport.received("w1", "game:delta")).toHaveLength(2);
  expect(transport.received("w0", "game:delta")).toHaveLength(1);
});

test("one thing at a time: game:leave, a disconnect, joining or a replay ends spectating; spectating gives up a seat", async () => {
  const { clock, transport, games, room } = setup();
  const w = conn("w");
  games.spectate(room.id, w);
  games.leave(w);
  expect(room.spectatorCount).toBe(0);
  expect(w.spectating).toBeUndefined();
  transport.clear();
  clock.advance(TICK * 4);
  expect(transport.sent.filter((s) => s.to === "w")).toEqual([]);

  games.spectate(room.id, w);
  games.disconnect(w);
  expect(room.spectatorCount).toBe(0);

  games.spectate(room.id, w);
  const { playerId } = games.join(room.id, user("uw"), w);
  expect(room.spectatorCount).toBe(0);
  expect(w.seat).toEqual({ gameId: room.id, playerId });

  const other = games.create();
  games.join(other.id, user("uo"), conn("o"));
  games.spectate(other.id, w);
  expect(room.hasSeatFor("uw")).toBe(false); // released, not held
  expect(other.spectatorCount).toBe(1);
  await expect(games.replay("none", w, 1)).rejects.toMatchObject({ code: "NOT_FOUND" });
  expect(other.spectatorCount).toBe(1); // a failed replay changes nothing
  games.disposeAll();
  expect(clock.pending).toBe(0);
});
