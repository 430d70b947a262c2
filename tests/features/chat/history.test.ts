import { emitAck, okData, setup, type TestServer } from "../../helpers";

let t: TestServer;
beforeEach(async () => (t = await setup()));
afterEach(() => t.cleanup());

test("message:history pages backwards with beforeSeq, oldest first", async () => {
  const { socket } = await t.connectUser("Ada");
  okData(await emitAck(socket, "room:join", { room: "lobby" }));
  for (let i = 1; i <= 25; i++) okData(await emitAck(socket, "message:send", { room: "lobby", text: `m${i}` }));

  const newest = okData(await emitAck(socket, "message:history", { room: "lobby", limit: 10 }));
  expect(newest.messages.map((m: { seq: number }) => m.seq)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
  expect(newest.hasMore).toBe(true);

  const older = okData(await emitAck(socket, "message:history", { room: "lobby", beforeSeq: 6, limit: 10 }));
  expect(older.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  expect(older.hasMore).toBe(false);

  const defaults = okData(await emitAck(socket, "message:history", { room: "lobby" }));
  expect(defaults.messages).toHaveLength(25);
});

test("message:history is for members only", async () => {
  const { socket } = await t.connectUser("Eve");
  expect(await emitAck(socket, "message:history", { room: "lobby" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
});

test("message:history rejects a limit outside 1..100", async () => {
  const { socket } = await t.connectUser("Ada");
  okData(await emitAck(socket, "room:join", { room: "lobby" }));
  expect(await emitAck(socket, "message:history", { room: "lobby", limit: 101 })).toMatchObject({
    ok: false,
    error: { code: "BAD_REQUEST", details: { field: "limit" } },
  });
});
