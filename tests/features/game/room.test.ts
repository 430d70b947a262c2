import { GameManager, type GameOptions } from "../../../server/features/game";
import { seededRandom } from "../../../server/features/game/rng";
import type { GameDelta, GameOver, Snapshot } from "../../../server/protocol";
import { conn, ManualClock, RecordingTransport, user } from "./support";

const TICK = 50;

function game(overrides: Partial<GameOptions> = {}) {
  const clock = new ManualClock();
  const transport = new RecordingTransport();
  const games = new GameManager({ transport, clock, random: seededRandom(7), options: { orbCap: 0, ...overrides } });
  const room = games.create({ maxPlayers: 4 });
  return { clock, transport, games, room };
}

test("a joiner gets game:state with itself in it; the others see it in `joined` at the next tick", () => {
  const { clock, transport, room } = game();
  const a = conn("a");
  const b = conn("b");
  room.join(user("ua", "Ada"), a);
  clock.advance(TICK);
  transport.clear();
  const { playerId, state } = room.join(user("ub", "Bob"), b);
  expect(transport.received("b", "game:state")).toEqual([state]);
  expect(state.players.map((p) => p.name)).toEqual(["Ada", "Bob"]);
  clock.advance(TICK);
  const [delta] = transport.received("a", "game:delta");
  expect(delta.joined).toEqual([expect.objectContaining({ id: playerId, name: "Bob", score: 0 })]);
  expect(delta.tick).toBe(state.tick + 1);
});

test("inputs are applied at the tick; ackSeq is the last applied seq; an idle game sends nothing", () => {
  const { clock, transport, room } = game();
  const a = conn("a");
  const { playerId } = room.join(user("ua"), a);
  clock.advance(TICK);
  transport.clear();
  room.input(a, 1, { x: 1, y: 0 });
  room.input(a, 2, { x: 0, y: 1 }); // the latest before the tick wins
  clock.advance(TICK);
  const [delta] = transport.received("a", "game:delta");
  expect(delta).toMatchObject({ ackSeq: 2, moved: [{ id: playerId, vx: 0, vy: 200 }] });

  room.input(a, 3, { x: 0, y: 0 });
  clock.advance(TICK);
  transport.clear();
  clock.advance(2000);
  expect(transport.sent).toEqual([]);
});

test("an input with a seq not above the last is dropped", () => {
  const { room } = game();
  const a = conn("a");
  room.join(user("ua"), a);
  expect(room.input(a, 5, { x: 1, y: 0 })).toBe(true);
  expect(room.input(a, 5, { x: 0, y: 1 })).toBe(false);
  expect(room.input(a, 4, { x: 0, y: 1 })).toBe(false);
});

test("at most 60 inputs per second are applied per player; the rest are dropped", () => {
  const { clock, transport, room } = game();
  const a = conn("a");
  room.join(user("ua"), a);
  const accepted = Array.from({ length: 100 }, (_, i) => room.input(a, i + 1, { x: 1, y: 0 })).filter(Boolean).length;
  expect(accepted).toBe(60);
  clock.advance(TICK);
  expect(transport.received("a", "game:delta").at(-1)?.ackSeq).toBe(60);
  clock.advance(500);
  expect(room.input(a, 101, { x: 1, y: 0 })).toBe(false); // still within the same second
  clock.advance(500);
  expect(room.input(a, 102, { x: 1, y: 0 })).toBe(true);
});

test("first to the winning score: final scores, then game:over, then a new round after the restart delay", () => {
  const { clock, transport, room } = game({ orbCap: 1, winScore: 1, restartDelayMs: 3000 });
  const a = conn("a");
  const { playerId } = room.join(user("ua", "Ada"), a);
  const me = room.world.players.get(playerId)!;
  const [orb] = [...room.world.orbs.values()];
  orb.x = me.x;
  orb.y = me.y;
  room.input(a, 1, { x: 0, y: 0 });
  clock.advance(TICK);
  const events = transport.sent.filter((s) => s.to === "a").map((s) => s.event);
  expect(events.slice(-2)).toEqual(["game:delta", "game:over"]);
  const over = transport.received("a", "game:over")[0] as GameOver;
  expect(over.winner).toMatchObject({ id: playerId, name: "Ada", score: 1 });
  expect(over.scores).toEqual({ [playerId]: 1 });

  // While the round is over nobody moves.
  transport.clear();
  room.input(a, 2, { x: 1, y: 0 });
  clock.advance(2900);
  expect(me.vx).toBe(0);
  expect(transport.received("a", "game:state")).toEqual([]);

  clock.advance(100 + TICK);
  const [fresh] = transport.received("a", "game:state") as Snapshot[];
  expect(fresh.players).toEqual([expect.objectContaining({ id: playerId, score: 0 })]);
  clock.advance(TICK);
  expect(me.vx).toBe(200); // the held direction works in the new round
  expect((transport.received("a", "game:delta").at(-1) as GameDelta).ackSeq).toBe(2);
});

test("a disconnected player keeps seat, position and score for the reservation time, then is removed", () => {
  const { clock, transport, room } = game({ reservationMs: 1000 });
  const a = conn("a");
  const b = conn("b");
  const ada = room.join(user("ua"), a);
  room.join(user("ub"), b);
  room.world.players.get(ada.playerId)!.score = 4;
  room.input(a, 1, { x: 1, y: 0 });
  clock.advance(TICK);
  room.disconnect(a);
  clock.advance(900);
  expect(room.world.players.get(ada.playerId)).toMatchObject({ score: 4, vx: 0 });

  const again = conn("a2");
  const resumed = room.join(user("ua"), again);
  expect(resumed).toMatchObject({ playerId: ada.playerId, resumed: true });
  expect(resumed.state.players.find((p) => p.id === ada.playerId)?.score).toBe(4);

  room.disconnect(again);
  transport.clear();
  clock.advance(1000 + TICK);
  expect(room.world.players.has(ada.playerId)).toBe(false);
  expect(transport.received("b", "game:delta").flatMap((d) => d.left ?? [])).toEqual([ada.playerId]);
});

test("a second tab of the same user takes the seat over; the first stops receiving", () => {
  const { clock, transport, room } = game();
  const tab1 = conn("t1");
  const tab2 = conn("t2");
  const first = room.join(user("ua"), tab1);
  const second = room.join(user("ua"), tab2);
  expect(second.playerId).toBe(first.playerId);
  expect(tab1.seat).toBeUndefined();
  expect(room.input(tab1, 1, { x: 1, y: 0 })).toBe(false);
  room.input(tab2, 1, { x: 1, y: 0 });
  transport.clear();
  clock.advance(TICK);
  expect(transport.received("t1", "game:delta")).toEqual([]);
  expect(transport.received("t2", "game:delta")).toHaveLength(1);
});

test("the last player leaving disposes the game and its only timer", () => {
  const { clock, games, room } = game();
  const a = conn("a");
  room.join(user("ua"), a);
  clock.advance(5 * TICK);
  expect(clock.pending).toBe(1);
  games.leave(a);
  expect(room.disposed).toBe(true);
  expect(room.hasTimers).toBe(false);
  expect(clock.pending).toBe(0);
  expect(games.count).toBe(0);
});

test("a game nobody joins is disposed after the empty-game time", () => {
  const { clock, games, room } = game({ emptyGameTtlMs: 1000 });
  clock.advance(900);
  expect(room.disposed).toBe(false);
  clock.advance(200);
  expect(room.disposed).toBe(true);
  expect(clock.pending).toBe(0);
  expect(games.count).toBe(0);
});
