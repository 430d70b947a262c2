/**
 * Two in-process nodes joined by a real redis-server: what a user on one node
 * does reaches users on the other (messages, presence per user, typing, DMs),
 * and rate limits are one budget per user across the cluster.
 */
import path from "node:path";
import { createClient } from "redis";
import { chatRoom } from "../../server/realtime/rooms";
import { emitAck, okData, tempDir, waitFor, type ChatSocket, type TestServer } from "../helpers";
import { chatTab, chatUser, record, waitForMatch } from "./support/clients";
import { startNode } from "./support/nodes";
import { waitUntil } from "./support/processes";
import { startRedis, type RedisServer } from "./support/redis";

let redis: RedisServer;
let a: TestServer;
let b: TestServer;
/** For reading presence keys directly (their layout is documented in presence/redis.ts). */
let redisClient: ReturnType<typeof createClient>;
const opened: ChatSocket[] = [];
const track = <T extends { socket: ChatSocket }>(u: T) => (opened.push(u.socket), u);

beforeAll(async () => {
  redis = await startRedis();
  const dbPath = path.join(tempDir("parlor-cluster-"), "parlor.db");
  a = await startNode("node-a", { redisUrl: redis.url, dbPath });
  b = await startNode("node-b", { redisUrl: redis.url, dbPath });
  redisClient = createClient({ url: redis.url });
  await redisClient.connect();
});

afterAll(async () => {
  for (const s of opened) s.close();
  await a?.cleanup();
  await b?.cleanup();
  await redisClient?.close();
  await redis?.stop();
});

const names = (users: { name: string }[]) => users.map((u) => u.name).sort();

test("users on different nodes chat in one room and see each other's presence and typing", async () => {
  const alice = track(await chatUser(a.url, "alice"));
  const bob = track(await chatUser(b.url, "bob"));
  okData(await emitAck(alice.socket, "room:join", { room: "lobby" }));

  const [joined, bobJoin] = await Promise.all([
    waitFor(alice.socket, "room:member-joined"),
    emitAck(bob.socket, "room:join", { room: "lobby" }),
  ]);
  expect(joined).toEqual({ room: "lobby", user: bob.session.user });
  expect(names(okData(bobJoin).members)).toEqual(["alice", "bob"]);
  expect(names(okData(await emitAck(alice.socket, "room:members", { room: "lobby" })).members)).toEqual(["alice", "bob"]);

  const [received, sent] = await Promise.all([
    waitFor(bob.socket, "message:new"),
    emitAck(alice.socket, "message:send", { room: "lobby", text: "hi from a" }),
  ]);
  expect(received).toEqual(okData(sent).message);

  const [typing] = await Promise.all([
    waitFor(alice.socket, "typing"),
    Promise.resolve(bob.socket.emit("typing", { room: "lobby", typing: true })),
  ]);
  expect(typing).toEqual({ room: "lobby", user: bob.session.user, typing: true });

  // The adapter answers fetchSockets() from every node.
  const inRoom = await a.parlor.io.of("/chat").in(chatRoom("lobby")).fetchSockets();
  expect(inRoom.map((s) => s.data.user.name).sort()).toEqual(["alice", "bob"]);
});

test("a user with tabs on both nodes is one member: joined once, left once", async () => {
  const carol = track(await chatUser(a.url, "carol"));
  const dave = track(await chatUser(b.url, "dave"));
  const carolTabB = await chatTab(b.url, carol.session.token);
  const daveTabA = await chatTab(a.url, dave.session.token);
  opened.push(carolTabB, daveTabA);
  okData(await emitAck(dave.socket, "room:join", { room: "pair" }));
  okData(await emitAck(daveTabA, "room:join", { room: "pair" }));
  const daveSees = record(dave.socket);

  await Promise.all([waitFor(dave.socket, "room:member-joined"), emitAck(carol.socket, "room:join", { room: "pair" })]);
  okData(await emitAck(carolTabB, "room:join", { room: "pair" }));
  expect(okData(await emitAck(dave.socket, "room:list", {})).rooms).toContainEqual({ room: "pair", members: 2 });
  expect(names(okData(await emitAck(dave.socket, "room:members", { room: "pair" })).members)).toEqual(["carol", "dave"]);

  // Closing the tab on node a is not the last socket: no member-left. Once
  // node a's cleanup has run (carol's socket set in Redis is down to one), a
  // message published by node a afterwards reaches dave after anything node a
  // published before it: the point by which a wrong member-left would be seen.
  carol.socket.close();
  await waitUntil("node a cleanup", async () => (await redisClient.sCard(`parlor:presence:s:pair:${carol.session.user.id}`)) === 1, 5000);
  await Promise.all([
    waitForMatch(dave.socket, "message:new", (m: { text: string }) => m.text === "marker"),
    emitAck(daveTabA, "message:send", { room: "pair", text: "marker" }),
  ]);
  expect(daveSees.filter(([e]) => e === "room:member-left")).toHaveLength(0);
  expect(names(okData(await emitAck(dave.socket, "room:members", { room: "pair" })).members)).toEqual(["carol", "dave"]);

  const [left] = await Promise.all([waitFor(dave.socket, "room:member-left"), Promise.resolve(carolTabB.close())]);
  expect(left).toEqual({ room: "pair", user: carol.session.user });
  expect(daveSees.filter(([e]) => e === "room:member-joined")).toHaveLength(1);
  expect(daveSees.filter(([e]) => e === "room:member-left")).toHaveLength(1);
  expect(names(okData(await emitAck(dave.socket, "room:members", { room: "pair" })).members)).toEqual(["dave"]);
});

test("DMs reach the recipient's sockets and the sender's other tabs on every node", async () => {
  const erin = track(await chatUser(a.url, "erin"));
  const frank = track(await chatUser(b.url, "frank"));
  const frankTabA = await chatTab(a.url, frank.session.token);
  const erinTabB = await chatTab(b.url, erin.session.token);
  opened.push(frankTabA, erinTabB);

  const [onB, onA, echo, ack] = await Promise.all([
    waitFor(frank.socket, "dm:new"),
    waitFor(frankTabA, "dm:new"),
    waitFor(erinTabB, "dm:new"),
    emitAck(erin.socket, "dm:send", { to: frank.session.user.id, text: "psst", clientId: "dm-1" }),
  ]);
  const message = okData(ack).message;
  expect(onB).toEqual(message);
  expect(onA).toEqual(message);
  expect(echo).toEqual(message);

  const history = okData(await emitAck(frank.socket, "dm:history", { with: erin.session.user.id }));
  expect(history.messages).toEqual([message]);
});

test("event rate limits are one budget per user across nodes (shared through Redis)", async () => {
  const limits = { rateLimit: { perSecond: 1, burst: 3 } };
  const dbPath = path.join(tempDir("parlor-cluster-"), "parlor.db");
  const c = await startNode("node-c", { redisUrl: redis.url, dbPath, ...limits });
  const d = await startNode("node-d", { redisUrl: redis.url, dbPath, ...limits });
  try {
    const gina = await chatUser(c.url, "gina");
    const ginaTabD = await chatTab(d.url, gina.session.token);
    opened.push(gina.socket, ginaTabD);
    // Each node alone would allow its own burst; together one user gets one budget.
    const acks = await Promise.all(Array.from({ length: 12 }, (_, i) => emitAck(i % 2 === 0 ? gina.socket : ginaTabD, "room:list", {})));
    const allowed = acks.filter((ack) => ack.ok).length;
    const limited = acks.filter((ack) => !ack.ok && ack.error.code === "RATE_LIMITED").length;
    expect(allowed + limited).toBe(12);
    expect(allowed).toBeGreaterThan(0);
    // Per-node budgets would allow at least 2 × 3; a shared one allows 3 (plus a refill if a second passed).
    expect(allowed).toBeLessThan(6);
  } finally {
    await c.cleanup();
    await d.cleanup();
  }
});
