/**
 * Safe retries under concurrency: the same clientId sent five times at once
 * (they land in one group-commit batch) stores one message; all five acks
 * carry it; the room hears it once.
 */
import type { DirectMessage, Message } from "../../server/protocol";
import { emitAck, okData, receives, type TestServer } from "../helpers";
import { collectMessages, setupUnlimited } from "./support";

let t: TestServer;
beforeEach(async () => (t = await setupUnlimited()));
afterEach(() => t.cleanup());

test("message:send: 5 concurrent sends of one clientId store one message and ack it five times", async () => {
  const ada = await t.connectUser("Ada");
  const bob = await t.connectUser("Bob");
  for (const s of [ada.socket, bob.socket]) okData(await emitAck(s, "room:join", { room: "lobby" }));
  const heard = collectMessages(bob.socket);

  const acks = await Promise.all(
    Array.from({ length: 5 }, () => emitAck(ada.socket, "message:send", { room: "lobby", text: "once only", clientId: "retry-1" })),
  );
  const messages: Message[] = acks.map((a) => okData(a).message);
  expect(new Set(messages.map((m) => m.id)).size).toBe(1);
  expect(messages.every((m) => m.seq === 1 && m.clientId === "retry-1")).toBe(true);

  // The next message gets seq 2: the four duplicates consumed no seq.
  const next = okData(await emitAck(ada.socket, "message:send", { room: "lobby", text: "next" })).message;
  expect(next.seq).toBe(2);
  await receives(bob.socket, "message:new", 200);
  expect(heard.map((m) => [m.seq, m.text])).toEqual([
    [1, "once only"],
    [2, "next"],
  ]);
  const history = okData(await emitAck(bob.socket, "message:history", { room: "lobby" })).messages;
  expect(history.map((m: Message) => m.text)).toEqual(["once only", "next"]);
});

test("message:send: the same clientId from two tabs of one user, and from another user, in one batch", async () => {
  const ada = await t.connectUser("Ada");
  const adaTab2 = await t.connectChat(ada.session.token);
  const bob = await t.connectUser("Bob");
  for (const s of [ada.socket, adaTab2, bob.socket]) okData(await emitAck(s, "room:join", { room: "lobby" }));

  const acks = await Promise.all([
    emitAck(ada.socket, "message:send", { room: "lobby", text: "a", clientId: "k" }),
    emitAck(adaTab2, "message:send", { room: "lobby", text: "a", clientId: "k" }),
    // clientId is per user: Bob's "k" is a different message.
    emitAck(bob.socket, "message:send", { room: "lobby", text: "b", clientId: "k" }),
  ]);
  const [a1, a2, b] = acks.map((a) => okData(a).message);
  expect(a2).toEqual(a1);
  expect(b.id).not.toBe(a1.id);
  expect([a1.seq, b.seq].sort()).toEqual([1, 2]);
});

test("dm:send: 5 concurrent sends of one clientId store one DM and deliver one dm:new", async () => {
  const ada = await t.connectUser("Ada");
  const bob = await t.connectUser("Bob");
  const delivered: DirectMessage[] = [];
  bob.socket.on("dm:new", (m) => delivered.push(m));

  const acks = await Promise.all(
    Array.from({ length: 5 }, () => emitAck(ada.socket, "dm:send", { to: bob.session.user.id, text: "psst", clientId: "dm-1" })),
  );
  const ids = new Set(acks.map((a) => okData(a).message.id));
  expect(ids.size).toBe(1);
  await receives(bob.socket, "dm:new", 200);
  expect(delivered).toHaveLength(1);
  const history = okData(await emitAck(bob.socket, "dm:history", { with: ada.session.user.id })).messages;
  expect(history.map((m: DirectMessage) => m.text)).toEqual(["psst"]);
});
