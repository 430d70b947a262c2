/** Two players in one game see each other move; a player in another game sees none of it. */
import type { GameDelta, GameJoinData, GameSummary } from "../../../server/protocol";
import { emitAck, okData, setup, type TestServer } from "../../helpers";
import { deltaWhere, record, sleep } from "./socket-support";

let t: TestServer;
beforeEach(async () => (t = await setup()));
afterEach(() => t.cleanup());

/** A direction along x that has room to move, from where the player stands. */
const awayFromWall = (x: number) => (x < 500 ? 1 : -1);

test("players of one game see each other move through deltas; another game hears nothing", async () => {
  const ada = await t.connectPlayer("Ada");
  const bob = await t.connectPlayer("Bob");
  const cyd = await t.connectPlayer("Cyd");
  const { game } = okData(await emitAck<{ game: GameSummary }>(ada.socket, "game:create", { name: "one" }));
  const { game: other } = okData(await emitAck<{ game: GameSummary }>(cyd.socket, "game:create", { name: "two" }));
  const a = okData(await emitAck<GameJoinData>(ada.socket, "game:join", { gameId: game.id }));
  const b = okData(await emitAck<GameJoinData>(bob.socket, "game:join", { gameId: game.id }));
  const c = okData(await emitAck<GameJoinData>(cyd.socket, "game:join", { gameId: other.id }));
  expect(c.state.players.map((p) => p.name)).toEqual(["Cyd"]);
  await sleep(150); // Cyd's own join delta goes by
  const cydSaw = record(cyd.socket);

  const adaX = a.state.players.find((p) => p.id === a.playerId)!.x;
  const dx = awayFromWall(adaX);
  const bobSeesAda = deltaWhere(bob.socket, (d) => !!d.moved?.some((m) => m.id === a.playerId && m.vx === 200 * dx));
  const adaAcked = deltaWhere(ada.socket, (d) => d.ackSeq === 1);
  ada.socket.emit("game:input", { seq: 1, dir: { x: dx, y: 0 } });
  const seen = await bobSeesAda;
  expect(seen.moved!.find((m) => m.id === a.playerId)!.x).toBeCloseTo(adaX + 10 * dx, 5);
  await adaAcked;

  const bobY = b.state.players.find((p) => p.id === b.playerId)!.y;
  const dy = awayFromWall(bobY);
  const adaSeesBob = deltaWhere(ada.socket, (d) => !!d.moved?.some((m) => m.id === b.playerId && m.vy === 200 * dy));
  bob.socket.emit("game:input", { seq: 1, dir: { x: 0, y: dy } });
  // Deltas carry the recipient's own ackSeq: Bob's input is not Ada's.
  expect((await adaSeesBob).ackSeq).toBe(1);

  await sleep(200);
  expect(cydSaw.events).toEqual([]);
});

test("deltas name only what changed: the moving player every tick, never the one standing still", async () => {
  const ada = await t.connectPlayer("Ada");
  const bob = await t.connectPlayer("Bob");
  const a = okData(await emitAck<GameJoinData>(ada.socket, "game:quickplay", {}));
  okData(await emitAck<GameJoinData>(bob.socket, "game:quickplay", {}));
  await sleep(150);
  const bobSaw = record(bob.socket);
  const me = a.state.players[0];
  ada.socket.emit("game:input", { seq: 1, dir: { x: awayFromWall(me.x), y: 0 } });
  await sleep(250);
  ada.socket.emit("game:input", { seq: 2, dir: { x: 0, y: awayFromWall(me.y) } });
  await sleep(250);
  const moved = bobSaw.deltas.flatMap((d: GameDelta) => d.moved ?? []);
  // Ada moves every tick (first along x, then along y); Bob stands still and is never named.
  expect(moved.length).toBeGreaterThanOrEqual(6);
  expect(new Set(moved.map((m) => m.id))).toEqual(new Set([a.playerId]));
  const velocities = [...new Set(moved.map((m) => `${m.vx},${m.vy}`))];
  expect(velocities).toEqual([`${200 * awayFromWall(me.x)},0`, `0,${200 * awayFromWall(me.y)}`]);
  for (const d of bobSaw.deltas) {
    for (const key of ["joined", "moved", "left", "spawned", "removed"] as const) if (key in d) expect(d[key]!.length).toBeGreaterThan(0);
    if ("scores" in d) expect(Object.keys(d.scores!).length).toBeGreaterThan(0);
  }
});
