import { emitAck, okData, receives, setup, waitFor, type TestServer } from "../../helpers";

let t: TestServer;
beforeEach(async () => (t = await setup()));
afterEach(() => t.cleanup());

test("dm:send stores and delivers to every socket of the recipient and the sender's other sockets", async () => {
  const ada = await t.connectUser("Ada");
  const adaTab2 = await t.connectChat(ada.session.token);
  const bob = await t.connectUser("Bob");
  const bobTab2 = await t.connectChat(bob.session.token);

  const [ack, b1, b2, a2, a1] = await Promise.all([
    emitAck(ada.socket, "dm:send", { to: bob.session.user.id, text: "psst", clientId: "d1" }),
    waitFor(bob.socket, "dm:new"),
    waitFor(bobTab2, "dm:new"),
    waitFor(adaTab2, "dm:new"),
    receives(ada.socket, "dm:new"),
  ]);
  const { message } = okData(ack);
  expect(message).toEqual({
    id: expect.any(String),
    from: { id: ada.session.user.id, name: ada.session.user.name },
    to: { id: bob.session.user.id, name: bob.session.user.name },
    text: "psst",
    ts: expect.any(Number),
    clientId: "d1",
  });
  expect([b1, b2, a2]).toEqual([message, message, message]);
  expect(a1).toBe(false);
});

test("dm:send to an id the server has never seen is NOT_FOUND; a bad payload is BAD_REQUEST", async () => {
  const { socket } = await t.connectUser("Ada");
  expect(await emitAck(socket, "dm:send", { to: "u_nobody", text: "hi" })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  expect(await emitAck(socket, "dm:send", { to: "u_x" })).toMatchObject({
    ok: false,
    error: { code: "BAD_REQUEST", details: { field: "text" } },
  });
});

test("dm:send with a repeated clientId stores once", async () => {
  const ada = await t.connectUser("Ada");
  const bob = await t.connectUser("Bob");
  const first = okData(await emitAck(ada.socket, "dm:send", { to: bob.session.user.id, text: "once", clientId: "same" }));
  const second = okData(await emitAck(ada.socket, "dm:send", { to: bob.session.user.id, text: "once", clientId: "same" }));
  expect(second.message.id).toBe(first.message.id);
  expect(okData(await emitAck(bob.socket, "dm:history", { with: ada.session.user.id })).messages).toHaveLength(1);
});

test("dm:history returns the conversation from either side, oldest first, paged by ts", async () => {
  const ada = await t.connectUser("Ada");
  const bob = await t.connectUser("Bob");
  const carol = await t.connectUser("Carol");
  okData(await emitAck(ada.socket, "dm:send", { to: bob.session.user.id, text: "1" }));
  okData(await emitAck(bob.socket, "dm:send", { to: ada.session.user.id, text: "2" }));
  okData(await emitAck(carol.socket, "dm:send", { to: ada.session.user.id, text: "not ours" }));
  await new Promise((r) => setTimeout(r, 5));
  okData(await emitAck(ada.socket, "dm:send", { to: bob.session.user.id, text: "3" }));

  const all = okData(await emitAck(bob.socket, "dm:history", { with: ada.session.user.id }));
  expect(all.messages.map((m: { text: string }) => m.text)).toEqual(["1", "2", "3"]);
  expect(all.hasMore).toBe(false);
  const page = okData(await emitAck(bob.socket, "dm:history", { with: ada.session.user.id, limit: 1 }));
  expect(page.messages.map((m: { text: string }) => m.text)).toEqual(["3"]);
  expect(page.hasMore).toBe(true);
  const before = okData(await emitAck(bob.socket, "dm:history", { with: ada.session.user.id, before: page.messages[0].ts }));
  expect(before.messages.map((m: { text: string }) => m.text)).toEqual(["1", "2"]);
});

test("dm:history rejects a missing peer", async () => {
  const { socket } = await t.connectUser("Ada");
  expect(await emitAck(socket, "dm:history", {})).toMatchObject({ ok: false, error: { code: "BAD_REQUEST", details: { field: "with" } } });
});
