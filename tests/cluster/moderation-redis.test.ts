/**
 * Moderation on two in-process nodes joined by a real redis-server (one
 * SQLite file): a ban issued on node A takes the target's socket on node B
 * out of the room (room:removed, member-left, no more messages) and keeps
 * them out on B; a mute stored through A holds for a send on B.
 */
import path from "node:path";
import { emitAck, okData, receives, tempDir, waitFor, type TestServer } from "../helpers";
import { connectAs, joined, JWT_CONFIG } from "../features/moderation/support";
import { startNode } from "./support/nodes";
import { startRedis, type RedisServer } from "./support/redis";

let redis: RedisServer;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  redis = await startRedis();
  const dbPath = path.join(tempDir("parlor-mod-cluster-"), "parlor.db");
  a = await startNode("node-a", { ...JWT_CONFIG, redisUrl: redis.url, dbPath });
  b = await startNode("node-b", { ...JWT_CONFIG, redisUrl: redis.url, dbPath });
});

afterAll(async () => {
  await a?.cleanup();
  await b?.cleanup();
  await redis?.stop();
});

test("a ban on node A removes the target's socket on node B and keeps them out there", async () => {
  const owner = await joined(a, "owner", "hall");
  const watcher = await joined(b, "watcher", "hall");
  const target = await joined(b, "target", "hall");
  const [ack, removed, left] = await Promise.all([
    emitAck(owner, "mod:ban", { room: "hall", user: "target", reason: "enough" }),
    waitFor(target, "room:removed"),
    waitFor(watcher, "room:member-left"),
  ]);
  const { action } = okData(ack);
  expect(removed).toEqual({ room: "hall", action });
  expect(left).toMatchObject({ room: "hall", user: { id: "target" } });
  const members = okData(await emitAck(watcher, "room:members", { room: "hall" })).members.map((m: { id: string }) => m.id);
  expect(members.sort()).toEqual(["owner", "watcher"]);

  // No longer in the room on B: sees no messages, may not send, may not join again.
  const [sent, seen] = await Promise.all([
    emitAck(owner, "message:send", { room: "hall", text: "after" }),
    receives(target, "message:new", 300),
  ]);
  okData(sent);
  expect(seen).toBe(false);
  expect(await emitAck(target, "message:send", { room: "hall", text: "x" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  expect(await emitAck(target, "room:join", { room: "hall" })).toMatchObject({
    ok: false,
    error: { details: { reason: "banned", until: null } },
  });
  const again = await connectAs(b, "target");
  expect(await emitAck(again, "room:join", { room: "hall" })).toMatchObject({ ok: false, error: { details: { reason: "banned" } } });
});

test("a mute issued on node A holds for a send on node B", async () => {
  const owner = await joined(a, "owner2", "den");
  const target = await joined(b, "muted", "den");
  okData(await emitAck(owner, "mod:mute", { room: "den", user: "muted", durationMs: 60_000 }));
  const refused = await emitAck(target, "message:send", { room: "den", text: "x" });
  expect(refused).toMatchObject({ ok: false, error: { code: "FORBIDDEN", details: { reason: "muted" } } });
});
