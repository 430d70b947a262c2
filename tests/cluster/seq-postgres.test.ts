/**
 * Two nodes, Redis and one PostgreSQL: seq stays gap-free and unique under
 * concurrent sends from both nodes, every member receives every message, and
 * concurrent duplicates (same clientId through two nodes) resolve to one.
 */
import { emitAck, okData, type ChatSocket, type TestServer } from "../helpers";
import type { Message } from "../../server/protocol";
import { chatTab, chatUser, range } from "./support/clients";
import { startNode } from "./support/nodes";
import { startPostgres, type PostgresServer } from "./support/postgres";
import { startRedis, type RedisServer } from "./support/redis";

let redis: RedisServer;
let pg: PostgresServer;
let a: TestServer;
let b: TestServer;
const opened: ChatSocket[] = [];

beforeAll(async () => {
  [redis, pg] = await Promise.all([startRedis(), startPostgres()]);
  const databaseUrl = await pg.createDatabase("seq_test");
  // Both nodes start at once: the migration lock makes one apply, the other wait.
  [a, b] = await Promise.all([
    startNode("node-a", { redisUrl: redis.url, databaseUrl }),
    startNode("node-b", { redisUrl: redis.url, databaseUrl }),
  ]);
}, 60_000);

afterAll(async () => {
  for (const s of opened) s.close();
  await a?.cleanup();
  await b?.cleanup();
  await Promise.all([redis?.stop(), pg?.stop()]);
});

test("4 clients over both nodes send 1,000 messages at once: seq is exactly 1..1000 and everyone gets all", async () => {
  const users = await Promise.all(["w", "x", "y", "z"].map((name, i) => chatUser((i % 2 === 0 ? a : b).url, name)));
  users.forEach((u) => opened.push(u.socket));
  for (const u of users) okData(await emitAck(u.socket, "room:join", { room: "busy" }));
  const received = users.map((u) => {
    const seqs: number[] = [];
    u.socket.on("message:new", (m: Message) => seqs.push(m.seq));
    return seqs;
  });

  const perUser = 250;
  const acks = await Promise.all(
    // All at once: appends to one room queue on its row lock, so the last acks can take a while on a busy machine.
    users.map((u, i) =>
      Promise.all(
        range(perUser).map((n) =>
          u.socket.timeout(30_000).emitWithAck("message:send", { room: "busy", text: `${i}:${n}`, clientId: `c${i}-${n}` }),
        ),
      ),
    ),
  );
  const ackSeqs = acks.map((list) => list.map((ack) => okData<{ message: Message }>(ack).message.seq));
  expect(ackSeqs.flat().sort((x, y) => x - y)).toEqual(range(1000));

  // The store agrees, whichever node asks.
  const history = await b.parlor.store.messagesSince("busy", 0, 1000);
  expect(history.items.map((m) => m.seq)).toEqual(range(1000));
  expect(history.hasMore).toBe(false);

  // Each client has every message: its own from acks, the others' as message:new (possibly out of seq order across nodes).
  for (let i = 0; i < users.length; i++) {
    await waitUntilLength(received[i], 1000 - perUser);
    expect([...received[i], ...ackSeqs[i]].sort((x, y) => x - y)).toEqual(range(1000));
  }
});

test("the same clientId sent through two nodes at once stores one message, and both get it", async () => {
  const { session, socket } = await chatUser(a.url, "retry");
  const tabB = await chatTab(b.url, session.token);
  opened.push(socket, tabB);
  okData(await emitAck(socket, "room:join", { room: "dupes" }));
  okData(await emitAck(tabB, "room:join", { room: "dupes" }));

  const pairs = await Promise.all(
    range(40).map((n) =>
      Promise.all([
        emitAck(socket, "message:send", { room: "dupes", text: `try ${n}`, clientId: `same-${n}` }),
        emitAck(tabB, "message:send", { room: "dupes", text: `try ${n}`, clientId: `same-${n}` }),
      ]),
    ),
  );
  for (const [viaA, viaB] of pairs) expect(okData<{ message: Message }>(viaA).message).toEqual(okData<{ message: Message }>(viaB).message);
  const stored = await a.parlor.store.messagesSince("dupes", 0, 500);
  expect(stored.items.map((m) => m.seq)).toEqual(range(40));
});

async function waitUntilLength(list: unknown[], n: number): Promise<void> {
  for (let i = 0; i < 200 && list.length < n; i++) await new Promise((r) => setTimeout(r, 25));
  expect(list.length).toBe(n);
}
