/**
 * Two node processes sharing Redis and one SQLite file (WAL). One is killed
 * with SIGKILL: its clients reconnect to the other node, rejoin with
 * sinceSeq and miss nothing, and the members it held disappear once its
 * heartbeat expires (PARLOR_PRESENCE_TTL_MS, short here).
 */
import path from "node:path";
import type { Message } from "../../server/protocol";
import { emitAck, okData, tempDir, type ChatSocket } from "../helpers";
import { chatTab, chatUser, range, waitForMatch } from "./support/clients";
import { spawnNode, type NodeProcess } from "./support/nodes";
import { startRedis, type RedisServer } from "./support/redis";

let redis: RedisServer;
let a: NodeProcess;
let b: NodeProcess;
const opened: ChatSocket[] = [];

beforeAll(async () => {
  redis = await startRedis();
  const env = { PARLOR_REDIS_URL: redis.url, PARLOR_DB: path.join(tempDir("parlor-kill-"), "parlor.db"), PARLOR_PRESENCE_TTL_MS: "600" };
  [a, b] = await Promise.all([spawnNode("node-a", env), spawnNode("node-b", env)]);
}, 60_000);

afterAll(async () => {
  for (const s of opened) s.close();
  await Promise.all([a?.stop("SIGKILL"), b?.stop("SIGKILL")]);
  await redis?.stop();
});

test("a killed node's clients fail over, rejoin with sinceSeq and miss nothing; its ghosts expire", async () => {
  const alice = await chatUser(a.url, "alice");
  const gus = await chatUser(a.url, "gus"); // on node a, never comes back
  const bob = await chatUser(b.url, "bob");
  opened.push(alice.socket, gus.socket, bob.socket);
  for (const u of [alice, gus, bob]) okData(await emitAck(u.socket, "room:join", { room: "ops" }));

  // Alice's client remembers what it has seen. On a cluster message:new can
  // arrive out of seq order (nodes commit and publish independently), so it
  // rejoins from the highest seq below which it has everything, as the SDK does.
  const aliceSaw = new Set<number>();
  const saw = (m: Message) => aliceSaw.add(m.seq);
  const contiguous = () => {
    let n = 0;
    while (aliceSaw.has(n + 1)) n++;
    return n;
  };
  alice.socket.on("message:new", saw);

  // Both processes write to the one SQLite file at once: seq stays gap-free (BEGIN IMMEDIATE).
  const sends = await Promise.all(
    [alice, bob, gus].flatMap((u, i) => range(60).map((n) => emitAck(u.socket, "message:send", { room: "ops", text: `${i}/${n}` }))),
  );
  const seqs = sends.map((ack) => okData<{ message: Message }>(ack).message.seq);
  expect([...seqs].sort((x, y) => x - y)).toEqual(range(180));
  sends.slice(0, 60).forEach((ack) => saw(okData<{ message: Message }>(ack).message));

  const aliceDropped = new Promise((resolve) => alice.socket.once("disconnect", resolve));
  const gusLeft = waitForMatch(bob.socket, "room:member-left", (p: { user: { name: string } }) => p.user.name === "gus", 15_000);
  await a.stop("SIGKILL");
  await aliceDropped;

  // While alice is away, bob keeps talking on node b.
  const during = await Promise.all(range(20).map((n) => emitAck(bob.socket, "message:send", { room: "ops", text: `during ${n}` })));
  const lastDuring = Math.max(...during.map((ack) => okData<{ message: Message }>(ack).message.seq));

  // Alice's client fails over to node b with the same token and catches up from her last seq.
  const aliceAgain = await chatTab(b.url, alice.session.token);
  opened.push(aliceAgain);
  const sinceSeq = contiguous();
  const rejoin = okData(await emitAck(aliceAgain, "room:join", { room: "ops", sinceSeq }));
  expect(rejoin.messages.map((m: Message) => m.seq)).toEqual(range(lastDuring - sinceSeq, sinceSeq + 1));
  rejoin.messages.forEach(saw);
  expect([...aliceSaw].sort((x, y) => x - y)).toEqual(range(lastDuring));

  // Gus never came back: node a's heartbeat expired and node b announced him gone.
  expect(await gusLeft).toEqual({ room: "ops", user: gus.session.user });
  const members = okData(await emitAck(bob.socket, "room:members", { room: "ops" }))
    .members.map((u: { name: string }) => u.name)
    .sort();
  expect(members).toEqual(["alice", "bob"]);
  expect(okData(await emitAck(bob.socket, "room:list", {})).rooms).toContainEqual({ room: "ops", members: 2 });
});
