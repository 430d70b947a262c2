import { createParlor } from "../../../server/app";
import { emitAck, okData, openSocket, receives, setup, UNLIMITED_EVENTS, waitFor, type ChatSocket, type TestServer } from "../../helpers";

let t: TestServer;
// These tests send faster than the per-user limit allows (they test ordering and paging, not limits).
beforeEach(async () => (t = await setup(UNLIMITED_EVENTS)));
afterEach(() => t.cleanup());

async function twoInLobby() {
  const ada = await t.connectUser("Ada");
  const bob = await t.connectUser("Bob");
  okData(await emitAck(ada.socket, "room:join", { room: "lobby" }));
  okData(await emitAck(bob.socket, "room:join", { room: "lobby" }));
  return { ada, bob };
}

test("message:send stores, acks the message and sends message:new to the others only", async () => {
  const { ada, bob } = await twoInLobby();
  const adaTab2 = await t.connectChat(ada.session.token);
  okData(await emitAck(adaTab2, "room:join", { room: "lobby" }));

  const [ack, received, tab2Received, senderGot] = await Promise.all([
    emitAck(ada.socket, "message:send", { room: "lobby", text: "  hello  ", clientId: "c1" }),
    waitFor(bob.socket, "message:new"),
    waitFor(adaTab2, "message:new"),
    receives(ada.socket, "message:new"),
  ]);
  const { message } = okData(ack);
  expect(message).toEqual({
    id: expect.any(String),
    room: "lobby",
    seq: 1,
    rev: 1,
    user: { id: ada.session.user.id, name: ada.session.user.name },
    text: "hello",
    ts: expect.any(Number),
    clientId: "c1",
  });
  expect(received).toEqual(message);
  expect(tab2Received).toEqual(message);
  expect(senderGot).toBe(false);
});

test("message:send to a room the user has not joined is FORBIDDEN", async () => {
  const { socket } = await t.connectUser("Eve");
  expect(await emitAck(socket, "message:send", { room: "lobby", text: "hi" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
});

test.each([
  ["empty text", { room: "lobby", text: "   " }, "text"],
  ["text over 2000 characters", { room: "lobby", text: "x".repeat(2001) }, "text"],
  ["a number as text", { room: "lobby", text: 5 }, "text"],
  ["an unknown key", { room: "lobby", text: "hi", html: true }, "(payload)"],
  ["a bad room", { room: "../etc", text: "hi" }, "room"],
])("message:send with %s is BAD_REQUEST naming the field", async (_label, payload, field) => {
  const { ada } = await twoInLobby();
  expect(await emitAck(ada.socket, "message:send", payload)).toMatchObject({
    ok: false,
    error: { code: "BAD_REQUEST", details: { field } },
  });
});

test("message:send with a null payload or none is BAD_REQUEST", async () => {
  const { ada } = await twoInLobby();
  expect(await emitAck(ada.socket, "message:send", null)).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
  expect(await emitAck(ada.socket, "message:send")).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
});

test("a retry with the same clientId returns the first message and broadcasts nothing new", async () => {
  const { ada, bob } = await twoInLobby();
  const first = okData(await emitAck(ada.socket, "message:send", { room: "lobby", text: "once", clientId: "k" })).message;
  const [again, bobGot] = await Promise.all([
    emitAck(ada.socket, "message:send", { room: "lobby", text: "once", clientId: "k" }),
    receives(bob.socket, "message:new"),
  ]);
  expect(okData(again).message).toEqual(first);
  expect(bobGot).toBe(false);
});

test("200 messages sent concurrently by 4 clients get seq exactly 1..200", async () => {
  const clients: ChatSocket[] = [];
  for (const name of ["A", "B", "C", "D"]) {
    const { socket } = await t.connectUser(name);
    okData(await emitAck(socket, "room:join", { room: "busy" }));
    clients.push(socket);
  }
  const acks = await Promise.all(
    Array.from({ length: 200 }, (_, i) => emitAck(clients[i % 4], "message:send", { room: "busy", text: `n${i}` })),
  );
  const seqs = acks.map((a) => okData(a).message.seq).sort((x: number, y: number) => x - y);
  expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
});

test("history survives a server restart on the same database file", async () => {
  const { ada } = await twoInLobby();
  for (const text of ["one", "two", "three"]) okData(await emitAck(ada.socket, "message:send", { room: "lobby", text }));
  await t.cleanup();

  const again = await createParlor(t.config);
  const port = await again.listen(0, "127.0.0.1");
  const url = `http://127.0.0.1:${port}`;
  // The same token still works: the secret is the same.
  const socket = await openSocket<ChatSocket>(`${url}/chat`, { auth: { token: ada.session.token } });
  try {
    const data = okData(await emitAck(socket, "room:join", { room: "lobby" }));
    expect(data.messages.map((m: { text: string; seq: number }) => [m.seq, m.text])).toEqual([
      [1, "one"],
      [2, "two"],
      [3, "three"],
    ]);
    const next = okData(await emitAck(socket, "message:send", { room: "lobby", text: "four" }));
    expect(next.message.seq).toBe(4);
  } finally {
    socket.close();
    await again.close();
  }
});
