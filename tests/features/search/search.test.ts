import { emitAck, okData, setup, type TestServer } from "../../helpers";

let t: TestServer;
beforeEach(async () => (t = await setup()));
afterEach(() => t.cleanup());

test("message:search finds messages in the user's rooms with a snippet", async () => {
  const { socket } = await t.connectUser("Ada");
  okData(await emitAck(socket, "room:join", { room: "lobby" }));
  okData(await emitAck(socket, "message:send", { room: "lobby", text: "the quick brown fox" }));
  okData(await emitAck(socket, "message:send", { room: "lobby", text: "lazy dog" }));
  const { results } = okData(await emitAck(socket, "message:search", { q: "fox" }));
  expect(results).toHaveLength(1);
  expect(results[0]).toMatchObject({ message: { text: "the quick brown fox", room: "lobby" }, score: expect.any(Number), snippet: expect.stringContaining("[fox]") });
});

test("message:search in a room one is not in is FORBIDDEN; an empty query is BAD_REQUEST", async () => {
  const { socket } = await t.connectUser("Ada");
  expect(await emitAck(socket, "message:search", { q: "x", room: "secret" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  expect(await emitAck(socket, "message:search", { q: "  " })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST", details: { field: "q" } } });
});
