/**
 * The SDK over a network that fails: lost acks are retried with the same
 * clientId (stored once), and a dropped connection rejoins every room with
 * sinceSeq, paging through what was missed, each message delivered once.
 */
import { setup, type TestServer } from "../helpers";
import { startProxy, type FaultyProxy } from "./proxy";
import { clientPool, collect, nextEvent } from "./sdk-helpers";

let t: TestServer;
let proxy: FaultyProxy;
const pool = clientPool();
beforeEach(async () => {
  t = await setup();
  proxy = await startProxy(Number(new URL(t.url).port));
});
afterEach(async () => {
  pool.closeAll();
  await proxy.close();
  await t.cleanup();
});

/** Ada connects directly; Bob through the faulty proxy, reconnecting fast. */
async function adaAndBob() {
  const ada = await pool.connect({ url: t.url, name: "Ada", transports: ["websocket"] });
  const bob = await pool.connect({
    url: proxy.url,
    name: "Bob",
    transports: ["websocket"],
    ackTimeoutMs: 500,
    sendAttempts: 30,
    socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 200 },
  });
  await ada.join("lobby");
  await bob.join("lobby");
  return { ada, bob };
}

test("a send whose ack is lost is retried with the same clientId and stored once", async () => {
  const { ada, bob } = await adaAndBob();
  const adaSees = collect(ada, "message");
  proxy.dropDownstream();

  const sending = bob.send("lobby", "exactly once", { clientId: "bob-1" });
  // Ada's copy proves the first attempt was stored; Bob never got its ack.
  const stored = await nextEvent(ada, "message");
  proxy.cut();
  const message = await sending;

  expect(message).toEqual(stored);
  expect(message.clientId).toBe("bob-1");
  const { messages } = await ada.history("lobby");
  expect(messages.filter((m) => m.text === "exactly once")).toHaveLength(1);
  // A later message arriving proves nothing else came before it.
  await Promise.all([bob.send("lobby", "after"), nextEvent(ada, "message", (m) => m.text === "after")]);
  expect(adaSees.map((m) => m.text)).toEqual(["exactly once", "after"]);
});

test("after a drop, the client rejoins with sinceSeq and delivers what it missed once, in order", async () => {
  const { ada, bob } = await adaAndBob();
  const bobSees = collect(bob, "message");
  await Promise.all([ada.send("lobby", "before"), nextEvent(bob, "message")]);

  proxy.block();
  await nextEvent(bob, "disconnect");
  for (const text of ["missed 1", "missed 2", "missed 3"]) await ada.send("lobby", text);
  proxy.unblock();
  const { rooms } = await nextEvent(bob, "reconnect");

  expect(rooms).toEqual(["lobby"]);
  expect(bobSees.map((m) => m.text)).toEqual(["before", "missed 1", "missed 2", "missed 3"]);
  await Promise.all([ada.send("lobby", "live again"), nextEvent(bob, "message", (m) => m.text === "live again")]);
  expect(bobSees.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
});

test("a rejoin pages through more than one room:join page (hasMore)", async () => {
  const { ada, bob } = await adaAndBob();
  const bobSees = collect(bob, "message");
  proxy.block();
  await nextEvent(bob, "disconnect");
  // More than two pages of 500: written straight to the server's store, as a busy room would.
  for (let i = 1; i <= 1100; i++) await t.parlor.store.appendMessage({ room: "lobby", user: ada.user, text: `m${i}` });
  proxy.unblock();
  await nextEvent(bob, "reconnect");

  expect(bobSees).toHaveLength(1100);
  expect(bobSees.map((m) => m.seq)).toEqual(Array.from({ length: 1100 }, (_, i) => i + 1));
});

test("sends made while disconnected wait for the reconnect and rejoin, then succeed", async () => {
  const { ada, bob } = await adaAndBob();
  proxy.block();
  await nextEvent(bob, "disconnect");
  const sending = bob.send("lobby", "queued");
  proxy.unblock();
  const [message, seen] = await Promise.all([sending, nextEvent(ada, "message")]);
  expect(seen).toEqual(message);
});
