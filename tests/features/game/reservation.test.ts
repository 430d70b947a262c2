/** Seat reservation and disposal over real sockets (reservation shortened to 400 ms). */
import type { GameJoinData } from "../../../server/protocol";
import { emitAck, okData, setup, type TestServer } from "../../helpers";
import { deltaWhere, playUntilScore, record, sleep } from "./socket-support";

const RESERVATION_MS = 400;
let t: TestServer;
beforeEach(async () => (t = await setup({ gameReservationMs: RESERVATION_MS })));
afterEach(() => t.cleanup());

test("a disconnected player resumes as the same playerId with its score within the reservation, and is removed after it", async () => {
  // Plenty of orbs so scoring takes a moment, not a tour of the map.
  const room = t.parlor.games.create({ name: "res" }, { orbCap: 150 });
  const ada = await t.connectPlayer("Ada");
  const bob = await t.connectPlayer("Bob");
  const adaRec = record(ada.socket);
  const a = okData(await emitAck<GameJoinData>(ada.socket, "game:join", { gameId: room.id }));
  okData(await emitAck<GameJoinData>(bob.socket, "game:join", { gameId: room.id }));
  await playUntilScore(ada.socket, adaRec, a.playerId, 2);
  await sleep(100);
  const score = adaRec.state!.players.get(a.playerId)!.score;

  ada.socket.disconnect();
  await sleep(RESERVATION_MS / 2);
  const tab = await t.connectGame(ada.session.token);
  const resumed = okData(await emitAck<GameJoinData>(tab, "game:join", { gameId: room.id }));
  expect(resumed.playerId).toBe(a.playerId);
  expect(resumed.game.players).toBe(2);
  expect(resumed.state.players.find((p) => p.id === a.playerId)).toMatchObject({ name: "Ada", score });

  const left = deltaWhere(bob.socket, (d) => !!d.left?.includes(a.playerId), RESERVATION_MS * 4);
  const disconnectedAt = Date.now();
  tab.disconnect();
  await left;
  expect(Date.now() - disconnectedAt).toBeGreaterThanOrEqual(RESERVATION_MS - 60);
  expect(room.playerCount).toBe(1);
});

test("an empty game is disposed with its timers: the last to leave takes it down", async () => {
  const ada = await t.connectPlayer("Ada");
  const { game } = okData(await emitAck<GameJoinData>(ada.socket, "game:quickplay", {}));
  const room = t.parlor.games.get(game.id)!;
  expect(room.hasTimers).toBe(true);
  ada.socket.disconnect();
  await sleep(RESERVATION_MS + 150);
  expect(room.disposed).toBe(true);
  expect(room.hasTimers).toBe(false);
  expect(t.parlor.games.count).toBe(0);
});
