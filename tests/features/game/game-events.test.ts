import type { GameJoinData, GameSummary } from "../../../server/protocol";
import { emitAck, okData, setup, type TestServer } from "../../helpers";

let t: TestServer;
beforeEach(async () => (t = await setup()));
afterEach(() => t.cleanup());

test("create, list, join and leave answer as the protocol says", async () => {
  const { socket, session } = await t.connectPlayer("Ada");
  const { game } = okData(await emitAck<{ game: GameSummary }>(socket, "game:create", { name: "Friday", maxPlayers: 4 }));
  expect(game).toEqual({ id: expect.any(String), name: "Friday", players: 0, maxPlayers: 4, status: "waiting", spectators: 0 });
  expect(okData(await emitAck(socket, "game:list", {}))).toEqual({ games: [game], hasMore: false });

  const joined = okData(await emitAck<GameJoinData>(socket, "game:join", { gameId: game.id }));
  expect(joined.game).toMatchObject({ id: game.id, players: 1 });
  expect(joined.state.players).toEqual([
    { id: joined.playerId, name: session.user.name, x: expect.any(Number), y: expect.any(Number), vx: 0, vy: 0, score: 0 },
  ]);
  expect(joined.state.orbs.length).toBeGreaterThan(0);

  expect(await emitAck(socket, "game:leave", {})).toEqual({ ok: true, data: {} });
  expect(okData(await emitAck(socket, "game:list", {}))).toEqual({ games: [], hasMore: false }); // disposed when empty
});

test("game:join also sends game:state, the same snapshot as the ack", async () => {
  const { socket } = await t.connectPlayer("Ada");
  const state = new Promise((resolve) => socket.once("game:state", resolve));
  const joined = okData(await emitAck<GameJoinData>(socket, "game:quickplay", {}));
  expect(await state).toEqual(joined.state);
});

test.each([
  ["game:create", { maxPlayers: 1 }, "maxPlayers"],
  ["game:create", { maxPlayers: 17 }, "maxPlayers"],
  ["game:create", { name: "" }, "name"],
  ["game:create", { extra: true }, "(payload)"],
  ["game:join", {}, "gameId"],
  ["game:join", { gameId: 5 }, "gameId"],
  ["game:quickplay", { now: 1 }, "(payload)"],
  ["game:quickplay", { extrapolate: "yes" }, "extrapolate"],
  ["game:join", { gameId: "g1", extrapolate: 1 }, "extrapolate"],
  ["game:input", { seq: 1, dir: { x: 2, y: 0 } }, "dir.x"],
  ["game:input", { seq: -1, dir: { x: 0, y: 0 } }, "seq"],
  ["game:input", { seq: 1, dir: { x: 0, y: 0 }, x: 10 }, "(payload)"],
])("%s %j is BAD_REQUEST", async (event, payload, field) => {
  const { socket } = await t.connectPlayer("Ada");
  const ack = await emitAck(socket, event, payload);
  expect(ack).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
  if (!ack.ok) expect((ack.error.details as { field: string }).field).toBe(field);
});

test("an unknown game is NOT_FOUND; an unknown event UNKNOWN_EVENT", async () => {
  const { socket } = await t.connectPlayer("Ada");
  expect(await emitAck(socket, "game:join", { gameId: "nope" })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  expect(await emitAck(socket, "game:teleport", { x: 1 })).toMatchObject({ ok: false, error: { code: "UNKNOWN_EVENT" } });
});

test("/game needs a token", async () => {
  const err = await t.connectGame(undefined).then(
    () => undefined,
    (e: Error & { data?: { code: string } }) => e,
  );
  expect(err?.data?.code).toBe("UNAUTHORIZED");
});

test("system:state counts the games", async () => {
  const { socket } = await t.connectPlayer("Ada");
  okData(await emitAck(socket, "game:quickplay", {}));
  okData(await emitAck(socket, "game:create", {}));
  const sys = await t.connectSystem();
  expect(okData(await emitAck(sys, "system:state"))).toMatchObject({ games: 2 });
});
