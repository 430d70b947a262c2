/**
 * The same limits in Redis (a real redis-server): the limiter keeps its
 * numbers, and two Parlor nodes sharing Redis share one budget per user.
 */
import { createClient } from "redis";
import { createEventRateLimiter } from "../../server/security/rate-limit";
import { startRedis, type RedisServer } from "../cluster/support/redis";
import { createSession, emitAck, okData, setup, type TestServer } from "../helpers";

let redis: RedisServer;
beforeAll(async () => (redis = await startRedis()));
afterAll(() => redis?.stop());

test("createEventRateLimiter with a Redis client: 40 at once, then RATE_LIMITED with retryAfterMs", async () => {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    const limiter = createEventRateLimiter(
      { rateLimit: { perSecond: 20, burst: 40 } },
      { redis: { client, useRedisPackage: true }, keyPrefix: "test" },
    );
    const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.consume("u_redis")));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(40);
    for (const d of decisions.filter((d) => !d.allowed)) expect((d as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(1000);
    expect((await limiter.consume("u_other")).allowed).toBe(true);
  } finally {
    await client.quit();
  }
});

test("while Redis is down the same limits hold per node (insurance limiter): no hang, no INTERNAL", async () => {
  const doomed = await startRedis();
  const client = createClient({ url: doomed.url, socket: { reconnectStrategy: 50 } });
  client.on("error", () => undefined); // reconnect attempts are expected here
  await client.connect();
  try {
    const limiter = createEventRateLimiter(
      { rateLimit: { perSecond: 20, burst: 40 } },
      { redis: { client, useRedisPackage: true }, keyPrefix: "down" },
    );
    await doomed.stop();
    const decisions = await Promise.all(Array.from({ length: 45 }, () => limiter.consume("u_down")));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(40);
  } finally {
    await client.disconnect().catch(() => undefined);
  }
});

test("two nodes on one Redis: a user's burst is 40 across both, not 40 per node", async () => {
  const nodes: TestServer[] = [];
  try {
    for (const nodeId of ["a", "b"]) nodes.push(await setup({ redisUrl: redis.url, nodeId: `sec-${nodeId}` }));
    const session = await createSession(nodes[0]!.url, "Ada");
    const sockets = await Promise.all(nodes.map((n) => n.connectChat(session.token)));
    for (const s of sockets) okData(await emitAck(s, "room:join", { room: "shared" }));
    const acks = await Promise.all(
      sockets.flatMap((s, i) => Array.from({ length: 30 }, (_, j) => emitAck(s, "message:send", { room: "shared", text: `${i}-${j}` }))),
    );
    // 2 joins + 60 sends against one budget of 40.
    expect(acks.filter((a) => a.ok)).toHaveLength(38);
    expect(acks.filter((a) => !a.ok).every((a) => !a.ok && a.error.code === "RATE_LIMITED")).toBe(true);
  } finally {
    for (const n of nodes) await n.cleanup();
  }
});
