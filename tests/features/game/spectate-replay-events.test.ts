/** game:spectate, game:replays and game:replay over real sockets, and PARLOR_GAME_WIN_SCORE. */
import type { GameJoinData, GameOver, GameSummary, Snapshot } from "../../../server/protocol";
import { emitAck, okData, setup, waitFor, type TestServer } from "../../helpers";
import { playUntilScore, record } from "./socket-support";

let t: TestServer;
beforeEach(async () => (t = await setup({ gameWinScore: 1, gameRestartMs: 200 })));
afterEach(() => t.cleanup());

test("a spectator is counted in GameSummary and sees the round end; the round is listed and replays to the same game:over", async () => {
  const ada = await t.connectPlayer("Ada");
  const eve = await t.connectPlayer("Eve");
  // game:join also sends game:state: the recorder's world copy starts there.
  const rec = record(ada.socket);
  const joined = okData(await emitAck<GameJoinData>(ada.socket, "game:quickplay", {}));
  const seen = okData(await emitAck<{ game: GameSummary; state: Snapshot }>(eve.socket, "game:spectate", { gameId: joined.game.id }));
  expect(seen.game).toEqual({ ...joined.game, spectators: 1 });
  expect(seen.state.players.map((p) => p.name)).toEqual(["Ada"]);
  expect(okData(await emitAck<{ games: GameSummary[] }>(ada.socket, "game:list", {})).games[0].spectators).toBe(1);

  // As long as the steering may take (10 s): the 5 s default ran out once on a loaded machine.
  const liveOver = waitFor<GameOver>(eve.socket, "game:over", 15_000);
  await playUntilScore(ada.socket, rec, joined.playerId, 1, 10_000);
  const over = await liveOver;
  expect(over.winner.name).toBe("Ada");
  expect(over.stateHash).toMatch(/^[0-9a-f]{64}$/);

  // Recording is stored when game:over is sent; the list may lag one turn.
  let replays: { id: string; gameId: string; players: { name: string }[]; winner: { name: string }; ticks: number }[] = [];
  for (let i = 0; i < 20 && replays.length === 0; i++) {
    replays = okData(await emitAck<{ replays: typeof replays }>(eve.socket, "game:replays", { gameId: joined.game.id })).replays;
    if (replays.length === 0) await new Promise((r) => setTimeout(r, 25));
  }
  expect(replays).toHaveLength(1);
  expect(replays[0]).toMatchObject({ gameId: joined.game.id, winner: { name: "Ada" }, players: [{ name: "Ada" }] });
  expect(okData(await emitAck(eve.socket, "game:replays", { gameId: "nope" }))).toEqual({ replays: [] });

  const streamed = record(eve.socket);
  const replayOver = new Promise<GameOver>((resolve) => eve.socket.on("game:over", (o) => resolve(o)));
  const ack = okData(await emitAck(eve.socket, "game:replay", { id: replays[0].id, speed: 8 }));
  expect(ack.replay).toEqual({
    id: replays[0].id,
    gameId: joined.game.id,
    ticks: replays[0].ticks,
    final: { scores: over.scores, stateHash: over.stateHash },
  });
  const replayed = await replayOver;
  expect(replayed).toEqual(over);
  expect(streamed.events[0].event).toBe("game:state");
  // Replaying ended spectating: the game no longer counts Eve.
  expect(okData(await emitAck<{ games: GameSummary[] }>(ada.socket, "game:list", {})).games[0].spectators).toBe(0);
}, 20_000);

test.each([0, 9, 1.5, "2"])("game:replay with speed %p is BAD_REQUEST naming speed", async (speed) => {
  const { socket } = await t.connectPlayer("Ada");
  expect(await emitAck(socket, "game:replay", { id: "r", speed })).toMatchObject({
    ok: false,
    error: { code: "BAD_REQUEST", details: { field: "speed" } },
  });
});

test("game:replay of an unknown round is NOT_FOUND; game:spectate of an unknown game is NOT_FOUND", async () => {
  const { socket } = await t.connectPlayer("Ada");
  expect(await emitAck(socket, "game:replay", { id: "nope" })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  expect(await emitAck(socket, "game:spectate", { gameId: "nope" })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  expect(await emitAck(socket, "game:replays", { limit: 51 })).toMatchObject({
    ok: false,
    error: { code: "BAD_REQUEST", details: { field: "limit" } },
  });
});
