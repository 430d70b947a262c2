/**
 * The node running a game goes away — a real process sharing a real Redis
 * with an in-process node where the other players are:
 * on SIGTERM its games end for the players on the other node with
 * `game:over { reason: "node_stopped" }` and leave the list at once; on
 * SIGKILL they leave the list within the TTL (PARLOR_PRESENCE_TTL_MS, short
 * here) and the other node ends them for its players (`reason: "node_lost"`);
 * a killed node's players in another node's game have their seats held, as
 * for a dropped connection.
 */
import path from "node:path";
import type { GameDelta, GameJoinData, GameOver, GameSummary } from "../../server/protocol";
import { createSession, emitAck, okData, openSocket, tempDir, waitFor, type GameSocket, type TestServer } from "../helpers";
import { waitForMatch } from "./support/clients";
import { spawnNode, startNode, type NodeProcess } from "./support/nodes";
import { startRedis, type RedisServer } from "./support/redis";

const TTL_MS = 800;
let redis: RedisServer;
/** The owners, one per test: real processes to SIGTERM and SIGKILL. */
const owners: NodeProcess[] = [];
/** Where the other players are. */
let b: TestServer;
const opened: GameSocket[] = [];

beforeAll(async () => {
  redis = await startRedis();
  const dbPath = path.join(tempDir("parlor-game-stop-"), "parlor.db");
  const env = { PARLOR_REDIS_URL: redis.url, PARLOR_DB: dbPath, PARLOR_PRESENCE_TTL_MS: String(TTL_MS) };
  // One after the other: two tsx start-ups at once on a busy 2-core machine can outlast spawnNode's wait.
  for (const id of ["stop-a", "stop-c"]) owners.push(await spawnNode(id, env));
  b = await startNode("stop-b", { redisUrl: redis.url, dbPath, presenceTtlMs: TTL_MS });
}, 90_000);

afterAll(async () => {
  for (const s of opened) s.close();
  await Promise.all(owners.map((n) => n.stop("SIGKILL")));
  await b?.cleanup();
  await redis?.stop();
});

async function player(node: { url: string }, name: string): Promise<GameSocket> {
  const { token } = await createSession(node.url, name);
  const socket = await openSocket<GameSocket>(`${node.url}/game`, { auth: { token } });
  opened.push(socket);
  return socket;
}

const listed = async (socket: GameSocket) =>
  okData(await emitAck<{ games: GameSummary[] }>(socket, "game:list", {})).games.map((g) => g.id);

/** A game on `owner` with one player there and one on `remote`; the remote player's socket and seat. */
async function splitGame(owner: NodeProcess, remote: { url: string }, tag: string) {
  const host = await player(owner, `${tag}-host`);
  const { game } = okData(await emitAck<{ game: GameSummary }>(host, "game:create", { name: tag }));
  okData(await emitAck(host, "game:join", { gameId: game.id }));
  const guest = await player(remote, `${tag}-guest`);
  const seat = okData(await emitAck<GameJoinData>(guest, "game:join", { gameId: game.id }));
  expect(await listed(guest)).toContain(game.id);
  return { game, guest, seat };
}

test("SIGTERM on the owner: game:over { reason: node_stopped } on the other node, the game leaves the list, exit 0", async () => {
  const [a] = owners;
  const { game, guest, seat } = await splitGame(a, b, "term");
  const over = waitFor<GameOver>(guest, "game:over", 10_000);
  a.child.kill("SIGTERM");
  const payload = await over;
  expect(payload.reason).toBe("node_stopped");
  expect(payload.scores).toHaveProperty(seat.playerId);
  expect(payload.winner).toEqual(expect.objectContaining({ id: expect.any(String), name: expect.any(String) }));
  expect(await listed(guest)).not.toContain(game.id);
  expect(await a.exited).toEqual({ code: 0, signal: null });
  // The guest's node forgot the seat: it plays on at once.
  expect(okData(await emitAck<GameJoinData>(guest, "game:quickplay", {})).game.id).not.toBe(game.id);
});

test("SIGKILL on the owner: the game leaves the list within the TTL and ends for the other node's players", async () => {
  const [, c] = owners;
  const { game, guest } = await splitGame(c, b, "kill");
  // While its owner beats, a game outlives the TTL (the heartbeat renews its entry every TTL/3).
  await new Promise((r) => setTimeout(r, 2 * TTL_MS));
  expect(await listed(guest)).toContain(game.id);
  const over = waitFor<GameOver>(guest, "game:over", 10_000);
  await c.stop("SIGKILL");
  const killedAt = Date.now();
  while ((await listed(guest)).includes(game.id)) {
    expect(Date.now() - killedAt).toBeLessThan(TTL_MS + 1000);
    await new Promise((r) => setTimeout(r, 50));
  }
  expect((await over).reason).toBe("node_lost");
  // And joining it now is NOT_FOUND, not a hang.
  const late = await player(b, "late");
  expect(await emitAck(late, "game:join", { gameId: game.id })).toEqual({
    ok: false,
    error: expect.objectContaining({ code: "NOT_FOUND" }),
  });
});

test("SIGKILL on a node whose player sits in another node's game: the owner holds the seat as for a drop", async () => {
  const d = await spawnNode("stop-d", {
    PARLOR_REDIS_URL: redis.url,
    PARLOR_DB: path.join(tempDir("parlor-game-stop-d-"), "parlor.db"),
    PARLOR_PRESENCE_TTL_MS: String(TTL_MS),
  });
  owners.push(d);
  const host = await player(b, "held-host");
  const { game } = okData(await emitAck<{ game: GameSummary }>(host, "game:create", {}));
  okData(await emitAck(host, "game:join", { gameId: game.id }));
  const guest = await player(d, "held-guest");
  const seat = okData(await emitAck<GameJoinData>(guest, "game:join", { gameId: game.id }));
  const x = seat.state.players.find((p) => p.id === seat.playerId)!.x;
  const moving = waitForMatch(host, "game:delta", (delta: GameDelta) =>
    Boolean(delta.moved?.some((m) => m.id === seat.playerId && m.vx !== 0)),
  );
  guest.emit("game:input", { seq: 1, dir: { x: x < 500 ? 1 : -1, y: 0 } });
  await moving;

  const stopped = waitForMatch(
    host,
    "game:delta",
    (delta: GameDelta) => Boolean(delta.moved?.some((m) => m.id === seat.playerId && m.vx === 0)),
    TTL_MS + 5000,
  );
  await d.stop("SIGKILL");
  // Within a heartbeat or two the owner notices nobody listens for that node and drops its sockets: the player stops, the seat is held.
  await stopped;
  expect(b.parlor.games.get(game.id)!.summary().players).toBe(2);
});
