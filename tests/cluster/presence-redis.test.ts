/**
 * The Redis presence against a real redis-server, several "nodes" (presence
 * instances with their own ids) in one process: first/last socket decided
 * atomically under concurrency, dead nodes reaped after the TTL, a restart
 * under the same id clearing its leftovers, a node presumed dead restoring
 * itself.
 */
import { createClient } from "redis";
import { createRedisPresence, type RedisPresence, type RedisPresenceOptions } from "../../server/presence/redis";
import type { User } from "../../server/protocol";
import { range } from "./support/clients";
import { startRedis, type RedisServer } from "./support/redis";

type Client = ReturnType<typeof createClient>;
let redis: RedisServer;
let client: Client;
const open: RedisPresence[] = [];
const ann: User = { id: "u_ann", name: "Ann" };
const ben: User = { id: "u_ben", name: "Ben" };
let prefixCount = 0;

beforeAll(async () => {
  redis = await startRedis();
  client = createClient({ url: redis.url });
  await client.connect();
});

afterAll(async () => {
  for (const p of open) await p.close().catch(() => undefined);
  await client?.close();
  await redis?.stop();
});

/** A presence "node"; each test uses its own key prefix. */
async function node(nodeId: string, prefix: string, extra: Partial<RedisPresenceOptions> = {}): Promise<RedisPresence> {
  const p = await createRedisPresence({ client, nodeId, ttlMs: 60_000, prefix, ...extra });
  open.push(p);
  return p;
}
const freshPrefix = () => `t${++prefixCount}:`;

test("first and last socket are decided once, however many nodes race", async () => {
  const prefix = freshPrefix();
  const nodes = await Promise.all(range(4).map((i) => node(`n${i}`, prefix)));
  // 40 tabs of one user join at once through 4 nodes: exactly one is "first".
  const firsts = await Promise.all(range(40).map((i) => nodes[i % 4].add("race", ann, `s${i}`)));
  expect(firsts.filter(Boolean)).toHaveLength(1);
  expect(await nodes[2].members("race")).toEqual([ann]);
  expect(await nodes[3].rooms()).toEqual([{ room: "race", members: 1 }]);
  // ...and leave at once: exactly one is "last".
  const lasts = await Promise.all(range(40).map((i) => nodes[i % 4].remove("race", ann.id, `s${i}`)));
  expect(lasts.filter(Boolean)).toHaveLength(1);
  expect(await nodes[0].members("race")).toEqual([]);
  expect(await nodes[0].rooms()).toEqual([]);
  expect(await nodes[0].isMember("race", ann.id)).toBe(false);
});

test("removing a socket that is not there changes nothing", async () => {
  const a = await node("solo", freshPrefix());
  expect(await a.add("r", ann, "s1")).toBe(true);
  expect(await a.remove("r", ann.id, "nope")).toBe(false);
  expect(await a.remove("r", ben.id, "s1")).toBe(false);
  expect(await a.roomsOf(ann.id)).toEqual(["r"]);
});

/** A node on its own connection, so the test can "crash" it: destroy() stops its beats and leaves its entries. */
async function crashable(nodeId: string, prefix: string, ttlMs: number) {
  const own: Client = createClient({ url: redis.url });
  own.on("error", () => undefined);
  await own.connect();
  const presence = await createRedisPresence({ client: own, nodeId, ttlMs, prefix, onError: () => undefined });
  open.push(presence);
  return { presence, crash: () => own.destroy() };
}

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 25));
}

test("a node that stops beating is reaped after the TTL; only users it held alone are announced", async () => {
  const prefix = freshPrefix();
  const expired: { room: string; user: User }[] = [];
  const survivor = await node("alive", prefix, { ttlMs: 300, onExpired: (left) => expired.push(...left) });
  const doomed = await crashable("doomed", prefix, 300);
  await doomed.presence.add("hall", ann, "a1"); // only on the doomed node
  await doomed.presence.add("hall", ben, "b1"); // Ben has a tab on the survivor too
  await survivor.add("hall", ben, "b2");
  doomed.crash();

  await until(() => expired.length > 0);
  expect(expired).toEqual([{ room: "hall", user: ann }]);
  expect(await survivor.members("hall")).toEqual([ben]);
  expect(await survivor.rooms()).toEqual([{ room: "hall", members: 1 }]);
  expect(await survivor.roomsOf(ann.id)).toEqual([]);
  // Ben's other tab is still counted: leaving it is his last socket.
  expect(await survivor.remove("hall", ben.id, "b2")).toBe(true);
});

test("a node restarting under the same id clears what its previous run left", async () => {
  const prefix = freshPrefix();
  const before = await crashable("phoenix", prefix, 60_000);
  await before.presence.add("den", ann, "old-socket");
  before.crash();
  const expired: { room: string; user: User }[] = [];
  const after = await node("phoenix", prefix, { onExpired: (left) => expired.push(...left) });
  expect(expired).toEqual([{ room: "den", user: ann }]);
  expect(await after.members("den")).toEqual([]);
});

test("a live node presumed dead (stalled past the TTL) puts its members back on its next beat", async () => {
  const prefix = freshPrefix();
  const restored: { room: string; user: User }[] = [];
  const sleepy = await node("sleepy", prefix, { onRestored: (joined) => restored.push(...joined) });
  const other = await node("other", prefix);
  await sleepy.add("nap", ann, "s1");
  // As if sleepy's heartbeat had expired: the other node reaps it.
  await client.del(`${prefix}alive:sleepy`);
  await other.sweep();
  expect(await other.members("nap")).toEqual([]);
  // Sleepy's next beat notices and restores its entries.
  await sleepy.sweep();
  expect(restored).toEqual([{ room: "nap", user: ann }]);
  expect(await other.members("nap")).toEqual([ann]);
  expect(await sleepy.remove("nap", ann.id, "s1")).toBe(true);
});
