import type { GameJoinData, GameSummary } from "../../../server/protocol";
import { emitAck, okData, setup, type TestServer } from "../../helpers";

let t: TestServer;
beforeEach(async () => (t = await setup()));
afterEach(() => t.cleanup());

const player = async (name: string) => (await t.connectPlayer(name)).socket;

test("quickplay fills the fullest open game before the next, and opens a new one when all are full", async () => {
  const [u1, u2, u3, u4, u5, u6] = await Promise.all(["u1", "u2", "u3", "u4", "u5", "u6"].map(player));
  const small = okData(await emitAck<{ game: GameSummary }>(u1, "game:create", { maxPlayers: 2 })).game;
  const big = okData(await emitAck<{ game: GameSummary }>(u2, "game:create", { maxPlayers: 3 })).game;
  okData(await emitAck(u1, "game:join", { gameId: small.id }));
  okData(await emitAck(u2, "game:join", { gameId: big.id }));
  okData(await emitAck(u3, "game:join", { gameId: big.id }));

  expect(okData(await emitAck<GameJoinData>(u4, "game:quickplay", {})).game).toMatchObject({ id: big.id, players: 3 });
  expect(okData(await emitAck<GameJoinData>(u5, "game:quickplay", {})).game).toMatchObject({ id: small.id, players: 2 });
  const fresh = okData(await emitAck<GameJoinData>(u6, "game:quickplay", {})).game;
  expect(fresh.id).not.toBe(small.id);
  expect(fresh.id).not.toBe(big.id);
  expect(fresh.players).toBe(1);
});

test("a full game answers CONFLICT", async () => {
  const [u1, u2, u3] = await Promise.all(["u1", "u2", "u3"].map(player));
  const { game } = okData(await emitAck<{ game: GameSummary }>(u1, "game:create", { maxPlayers: 2 }));
  okData(await emitAck(u1, "game:join", { gameId: game.id }));
  okData(await emitAck(u2, "game:join", { gameId: game.id }));
  expect(await emitAck(u3, "game:join", { gameId: game.id })).toMatchObject({
    ok: false,
    error: { code: "CONFLICT", details: { maxPlayers: 2 } },
  });
  expect(okData(await emitAck<{ games: GameSummary[] }>(u3, "game:list", {})).games).toEqual([{ ...game, players: 2, status: "playing" }]);
});
