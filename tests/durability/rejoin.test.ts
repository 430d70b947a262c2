/**
 * The guarantee: a client that rejoins with `sinceSeq` gets every message it
 * missed, exactly once, oldest first — with Socket.IO's recovery turned off,
 * so nothing but `room:join { sinceSeq }` can be what fills the gap.
 */
import type { Message } from "../../server/protocol";
import { emitAck, okData, type TestServer } from "../helpers";
import { collectMessages, dropConnection, eventually, range, reconnect, setupUnlimited, uniqueSeqs } from "./support";

let t: TestServer;
beforeEach(async () => (t = await setupUnlimited({ recoveryMs: 0 })));
afterEach(() => t.cleanup());

async function lobbyPair() {
  const ada = await t.connectUser("Ada");
  const bob = await t.connectUser("Bob");
  okData(await emitAck(ada.socket, "room:join", { room: "lobby" }));
  okData(await emitAck(bob.socket, "room:join", { room: "lobby" }));
  return { ada: ada.socket, bob: bob.socket };
}

async function sendMany(socket: Parameters<typeof emitAck>[0], count: number, from = 0): Promise<Message[]> {
  const acks = await Promise.all(
    range(from, from + count - 1).map((i) => emitAck(socket, "message:send", { room: "lobby", text: `m${i}`, clientId: `c${i}` })),
  );
  return acks.map((a) => okData(a).message);
}

test("after a dropped connection, rejoin with sinceSeq returns exactly the 100 missed messages, in order", async () => {
  const { ada, bob } = await lobbyPair();
  await sendMany(bob, 5);
  const live = collectMessages(ada);
  const before = okData(await emitAck(ada, "room:join", { room: "lobby" })).messages;
  const lastSeq = before[before.length - 1].seq;
  expect(lastSeq).toBe(5);

  await dropConnection(ada);
  const sent = await sendMany(bob, 100, 5);
  await reconnect(ada);
  const rejoin = okData(await emitAck(ada, "room:join", { room: "lobby", sinceSeq: lastSeq }));

  expect(rejoin.hasMore).toBe(false);
  expect(rejoin.messages.map((m: Message) => m.seq)).toEqual(range(6, 105));
  expect(rejoin.messages).toEqual(sent);
  expect(live.filter((m) => m.seq > lastSeq)).toEqual([]);
});

test("more than 500 missed: the first 500 with hasMore, the rest by rejoining from the last seq or paging message:history", async () => {
  const { ada, bob } = await lobbyPair();
  await dropConnection(ada);
  await sendMany(bob, 620);
  await reconnect(ada);

  const first = okData(await emitAck(ada, "room:join", { room: "lobby", sinceSeq: 0 }));
  expect(first.messages.map((m: Message) => m.seq)).toEqual(range(1, 500));
  expect(first.hasMore).toBe(true);
  const rest = okData(await emitAck(ada, "room:join", { room: "lobby", sinceSeq: 500 }));
  expect(rest.messages.map((m: Message) => m.seq)).toEqual(range(501, 620));
  expect(rest.hasMore).toBe(false);

  // Backwards from the newest, 100 at a time, reaches seq 1 with no gap or repeat.
  const paged: Message[] = [];
  let beforeSeq: number | undefined;
  for (;;) {
    const page = okData(
      await emitAck(ada, "message:history", { room: "lobby", limit: 100, ...(beforeSeq === undefined ? {} : { beforeSeq }) }),
    );
    paged.unshift(...page.messages);
    if (!page.hasMore) break;
    beforeSeq = page.messages[0].seq;
  }
  expect(paged.map((m) => m.seq)).toEqual(range(1, 620));
});

test("messages sent while the rejoin is in flight are in its answer or arrive as message:new: no gap", async () => {
  const { ada, bob } = await lobbyPair();
  await sendMany(bob, 20);
  await dropConnection(ada);
  await sendMany(bob, 50, 20);
  await reconnect(ada);
  const live = collectMessages(ada);

  // Bob keeps sending while Ada's room:join (history read) is being answered.
  const [rejoin, during] = await Promise.all([emitAck(ada, "room:join", { room: "lobby", sinceSeq: 20 }), sendMany(bob, 200, 70)]);
  const last = during.reduce((max, m) => Math.max(max, m.seq), 0);
  expect(last).toBe(270);
  const answered: Message[] = okData(rejoin).messages;
  await eventually(() => [...answered, ...live].some((m) => m.seq === last), "the last message reached Ada");
  expect(uniqueSeqs([...answered, ...live])).toEqual(range(21, 270));
});

test("a join without sinceSeq still answers the last 50 (the reconnect path is only taken with sinceSeq)", async () => {
  const { ada, bob } = await lobbyPair();
  await sendMany(bob, 60);
  const data = okData(await emitAck(ada, "room:join", { room: "lobby" }));
  expect(data.messages.map((m: Message) => m.seq)).toEqual(range(11, 60));
  expect(data.hasMore).toBe(true);
});
