/**
 * Games across two in-process nodes joined by a real redis-server: either
 * node lists every game; join, quickplay, spectate, input and leave work from
 * the node that does not run the game; players on both nodes see each other
 * move; the spectator cap is the game's, whichever node spectators come
 * from; a node's graceful stop ends its games for remote players with a reason.
 */
import path from "node:path";
import type { GameDelta, GameJoinData, GameOver, GameSummary, Snapshot } from "../../server/protocol";
import { emitAck, okData, tempDir, waitFor, type TestServer } from "../helpers";
import { deltaWhere, playUntilScore, record } from "../features/game/socket-support";
import { startNode } from "./support/nodes";
import { waitUntil } from "./support/processes";
import { startRedis, type RedisServer } from "./support/redis";

let redis: RedisServer;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  redis = await startRedis();
  const dbPath = path.join(tempDir("parlor-game-cluster-"), "parlor.db");
  a = await startNode("game-a", { redisUrl: redis.url, dbPath });
  b = await startNode("game-b", { redisUrl: redis.url, dbPath });
});

afterAll(async () => {
  await a?.cleanup();
  await b?.cleanup();
  await redis?.stop();
});

const list = async (t: TestServer) => {
  const { socket } = await t.connectPlayer("lister");
  const games = okData(await emitAck<{ games: GameSummary[]; hasMore: boolean }>(socket, "game:list", {}));
  socket.close();
  return games;
};
/** A direction toward the middle of the field from where `playerId` is in `state` (so no wall stops it soon). */
const inward = (state: Snapshot, playerId: string) =>
  ({ x: state.players.find((p) => p.id === playerId)!.x < 500 ? 1 : -1, y: 0 }) as const;
/** A delta in which `playerId` moves sideways (in `moved`, or in `joined` when it moved in the tick it joined). */
const moving = (playerId: string) => (d: GameDelta) =>
  [...(d.moved ?? []), ...(d.joined ?? [])].some((m) => m.id === playerId && m.vx !== 0);

test("a game created on node a is listed on both nodes; joined from node b, its deltas and inputs cross", async () => {
  const host = await a.connectPlayer("host");
  const { game } = okData(await emitAck<{ game: GameSummary }>(host.socket, "game:create", { name: "split" }));
  expect((await list(a)).games).toContainEqual(game);
  expect((await list(b)).games).toContainEqual(game);

  const bob = await b.connectPlayer("bob");
  const [snapshot, joined] = await Promise.all([
    waitFor(bob.socket, "game:state"),
    emitAck<GameJoinData>(bob.socket, "game:join", { gameId: game.id }),
  ]);
  const { playerId, state, game: summary } = okData(joined);
  // The owner's snapshot, in the ack and as game:state, as on one node.
  expect(state.players.map((p) => p.id)).toEqual([playerId]);
  expect(snapshot).toEqual(state);
  expect(summary).toMatchObject({ id: game.id, players: 1 });
  expect((await list(b)).games.find((g) => g.id === game.id)).toMatchObject({ players: 1 });

  bob.socket.emit("game:input", { seq: 1, dir: inward(state, playerId) });
  const delta = await deltaWhere(bob.socket, (d) => d.ackSeq === 1 && moving(playerId)(d));
  expect(delta.tick).toBeGreaterThan(state.tick);

  // game:leave from node b frees the seat on node a: the game, now empty, is gone from both lists.
  okData(await emitAck(bob.socket, "game:leave", {}));
  await waitUntil("the empty game leaves the list", async () => !(await list(b)).games.some((g) => g.id === game.id), 5000);
  expect((await list(a)).games.some((g) => g.id === game.id)).toBe(false);
});

test("a player on each node in one game: each sees the other's moves and leave", async () => {
  const alice = await a.connectPlayer("alice");
  const bob = await b.connectPlayer("bob");
  const { game } = okData(await emitAck<{ game: GameSummary }>(alice.socket, "game:create", {}));
  const aj = okData(await emitAck<GameJoinData>(alice.socket, "game:join", { gameId: game.id }));
  const bj = okData(await emitAck<GameJoinData>(bob.socket, "game:join", { gameId: game.id, extrapolate: true }));
  expect(bj.state.players.map((p) => p.id).sort()).toEqual([aj.playerId, bj.playerId].sort());

  const [aliceSeen] = await Promise.all([
    deltaWhere(bob.socket, moving(aj.playerId)),
    Promise.resolve(alice.socket.emit("game:input", { seq: 1, dir: inward(bj.state, aj.playerId) })),
  ]);
  expect(aliceSeen.ackSeq).toBe(0);
  await Promise.all([
    deltaWhere(alice.socket, moving(bj.playerId)),
    deltaWhere(bob.socket, (d) => d.ackSeq === 5),
    Promise.resolve(bob.socket.emit("game:input", { seq: 5, dir: inward(bj.state, bj.playerId) })),
  ]);
  expect((await list(a)).games.find((g) => g.id === game.id)).toMatchObject({ players: 2, status: "playing" });

  // Bob's socket drops: his seat is held on node a (he stops, the game still counts him).
  const stopped = deltaWhere(alice.socket, (d) => Boolean(d.moved?.some((m) => m.id === bj.playerId && m.vx === 0)));
  bob.socket.close();
  await stopped;
  expect(a.parlor.games.get(game.id)!.summary().players).toBe(2);

  // He comes back on node b with the same token: the same playerId, as on one node.
  const again = await b.connectGame(bob.session.token);
  const resumed = okData(await emitAck<GameJoinData>(again, "game:join", { gameId: game.id }));
  expect(resumed.playerId).toBe(bj.playerId);
  const [left] = await Promise.all([
    deltaWhere(alice.socket, (d) => Boolean(d.left?.includes(bj.playerId))),
    emitAck(again, "game:leave", {}),
  ]);
  expect(left.left).toEqual([bj.playerId]);
});

test("quickplay from node b takes the free seat of node a's game; a seat held there is given back", async () => {
  // Matchmaking picks the fullest open game: none from earlier tests.
  for (const t of [a, b]) for (const room of t.parlor.games.all()) room.dispose();
  await waitUntil("no games listed", async () => (await list(b)).games.length === 0, 5000);
  const alice = await a.connectPlayer("qa");
  const { game } = okData(await emitAck<{ game: GameSummary }>(alice.socket, "game:create", { maxPlayers: 2 }));
  okData(await emitAck(alice.socket, "game:join", { gameId: game.id }));
  const bob = await b.connectPlayer("qb");
  const first = okData(await emitAck<GameJoinData>(bob.socket, "game:quickplay", {}));
  expect(first.game).toMatchObject({ id: game.id, players: 2 });
  bob.socket.emit("game:input", { seq: 1, dir: inward(first.state, first.playerId) });
  await deltaWhere(alice.socket, moving(first.playerId));

  // Full now: a third player's quickplay on node b makes a new game, on node b.
  const carol = await b.connectPlayer("qc");
  const third = okData(await emitAck<GameJoinData>(carol.socket, "game:quickplay", {}));
  expect(third.game.id).not.toBe(game.id);
  expect(b.parlor.games.get(third.game.id)).toBeDefined();

  // Bob's other tab on node a asks for quickplay: his seat, same playerId.
  const tab = await a.connectGame(bob.session.token);
  expect(okData(await emitAck<GameJoinData>(tab, "game:quickplay", {})).playerId).toBe(first.playerId);
  for (const s of [alice.socket, tab, carol.socket]) okData(await emitAck(s, "game:leave", {}));
});

test("spectating from node b: deltas arrive, the count is on both lists, the cap is the game's across nodes", async () => {
  // A small cap for this game only (a rule override, as tests do on one node).
  const room = a.parlor.games.create({ name: "watched" }, { maxSpectators: 2 });
  const player = await a.connectPlayer("watched-player");
  const pj = okData(await emitAck<GameJoinData>(player.socket, "game:join", { gameId: room.id }));

  const w1 = await a.connectPlayer("w1");
  const w2 = await b.connectPlayer("w2");
  const w3 = await b.connectPlayer("w3");
  okData(await emitAck(w1.socket, "game:spectate", { gameId: room.id }));
  const spectated = okData(await emitAck<{ game: GameSummary }>(w2.socket, "game:spectate", { gameId: room.id }));
  expect(spectated.game).toMatchObject({ id: room.id, spectators: 2 });
  const full = await emitAck(w3.socket, "game:spectate", { gameId: room.id });
  expect(full).toEqual({ ok: false, error: expect.objectContaining({ code: "CONFLICT" }) });
  expect((await list(b)).games.find((g) => g.id === room.id)).toMatchObject({ spectators: 2, players: 1 });

  await Promise.all([
    deltaWhere(w2.socket, moving(pj.playerId)),
    Promise.resolve(player.socket.emit("game:input", { seq: 1, dir: inward(pj.state, pj.playerId) })),
  ]);
  // Leaving from node b frees the place for the next one.
  okData(await emitAck(w2.socket, "game:leave", {}));
  okData(await emitAck(w3.socket, "game:spectate", { gameId: room.id }));
  expect((await list(a)).games.find((g) => g.id === room.id)).toMatchObject({ spectators: 2 });
  okData(await emitAck(player.socket, "game:leave", {}));
});

test("a round won by a player on node b: game:over and the next round's game:state reach node b and a spectator on node a", async () => {
  // Quick rounds for this game only: one orb wins, the next round follows 200 ms later.
  const room = a.parlor.games.create({ name: "quick" }, { winScore: 1, orbCap: 150, restartDelayMs: 200 });
  const alice = await a.connectPlayer("round-a");
  const bob = await b.connectPlayer("round-b");
  // Alice watches (a seated player standing still could win too: orbs appear anywhere).
  okData(await emitAck(alice.socket, "game:spectate", { gameId: room.id }));
  const rec = record(bob.socket);
  const bj = okData(await emitAck<GameJoinData>(bob.socket, "game:join", { gameId: room.id }));
  // Generous waits: steering by the protocol alone is slow on a loaded machine.
  const overs = [waitFor<GameOver>(alice.socket, "game:over", 25_000), waitFor<GameOver>(bob.socket, "game:over", 25_000)];
  await playUntilScore(bob.socket, rec, bj.playerId, 1, 20_000);
  const [atA, atB] = await Promise.all(overs);
  expect(atB).toEqual(atA);
  expect(atB.winner.id).toBe(bj.playerId);
  expect(atB.reason).toBeUndefined();
  // The new round's snapshot goes to the game's room, which node a had node b's socket join.
  const [fresh] = await Promise.all([waitFor<Snapshot>(bob.socket, "game:state", 5000), waitFor(alice.socket, "game:state", 5000)]);
  expect(fresh.players.every((p) => p.score === 0)).toBe(true);
  okData(await emitAck(alice.socket, "game:leave", {}));
  okData(await emitAck(bob.socket, "game:leave", {}));
}, 60_000);

test("bad requests from the non-owner node answer { ok: false, error } there", async () => {
  const owner = await a.connectPlayer("owner");
  const { game } = okData(await emitAck<{ game: GameSummary }>(owner.socket, "game:create", { maxPlayers: 2 }));
  const remote = await b.connectPlayer("remote");
  const bad = await emitAck(remote.socket, "game:input", { seq: -1, dir: { x: 2, y: 0 } });
  expect(bad).toEqual({ ok: false, error: expect.objectContaining({ code: "BAD_REQUEST", message: expect.any(String) }) });
  expect(await emitAck(remote.socket, "game:join", { gameId: game.id, extra: 1 })).toEqual({
    ok: false,
    error: expect.objectContaining({ code: "BAD_REQUEST" }),
  });
  expect(await emitAck(remote.socket, "game:join", { gameId: "nope" })).toEqual({
    ok: false,
    error: expect.objectContaining({ code: "NOT_FOUND" }),
  });
  // The owner's refusals come back as they are: a full game is CONFLICT from node b too.
  okData(await emitAck(owner.socket, "game:join", { gameId: game.id }));
  okData(await emitAck(remote.socket, "game:join", { gameId: game.id }));
  const third = await b.connectPlayer("third");
  expect(await emitAck(third.socket, "game:join", { gameId: game.id })).toEqual({
    ok: false,
    error: { code: "CONFLICT", message: "the game is full", details: { maxPlayers: 2 } },
  });
  okData(await emitAck(owner.socket, "game:leave", {}));
  okData(await emitAck(remote.socket, "game:leave", {}));
});

test("node a stops: its games end for node b's players with game:over { reason: node_stopped } and leave the list", async () => {
  const alice = await a.connectPlayer("last-a");
  const bob = await b.connectPlayer("last-b");
  const { game } = okData(await emitAck<{ game: GameSummary }>(alice.socket, "game:create", {}));
  okData(await emitAck(alice.socket, "game:join", { gameId: game.id }));
  const bj = okData(await emitAck<GameJoinData>(bob.socket, "game:join", { gameId: game.id }));
  const over = waitFor<GameOver>(bob.socket, "game:over");
  await a.cleanup();
  expect(await over).toEqual({
    winner: expect.objectContaining({ id: expect.any(String) }),
    scores: expect.any(Object),
    reason: "node_stopped",
  });
  expect(Object.keys((await over).scores)).toContain(bj.playerId);
  expect((await list(b)).games.some((g) => g.id === game.id)).toBe(false);
  // Bob's node forgot the seat: a new game on node b works at once.
  okData(await emitAck(bob.socket, "game:quickplay", {}));
});
