/**
 * A `room:join` that fails INTERNAL (the store cannot read the history) used
 * to leave the socket in the room: receiving its messages, listed as a member,
 * though its client was told the join failed. Now the join is undone.
 */
import type { MessageStore } from "../../server/storage/types";
import { emitAck, okData, receives, setup, type TestServer } from "../helpers";

/**
 * Makes the store's `method` fail once, as a full disk or a lost database would
 * (the store is a metrics Proxy over the real one, so it is replaced, not spied on).
 */
function failOnce(store: MessageStore, method: "recentMessages" | "messagesSince"): { calls: number } {
  const original = store[method] as (...args: unknown[]) => Promise<unknown>;
  const seen = { calls: 0 };
  (store as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    if (seen.calls++ === 0) throw new Error("disk I/O error");
    return original(...args);
  };
  return seen;
}

let t: TestServer;
beforeAll(async () => (t = await setup()));
afterAll(() => t.cleanup());

test("a join whose history read fails answers INTERNAL and leaves the socket outside the room; a retry joins", async () => {
  const { socket: bob } = await t.connectUser("Bob");
  okData(await emitAck(bob, "room:join", { room: "lobby" }));
  const { socket: ada } = await t.connectUser("Ada");

  const read = failOnce(t.parlor.store, "recentMessages");
  const joined = receives(bob, "room:member-joined", 300);
  expect(await emitAck(ada, "room:join", { room: "lobby" })).toEqual({ ok: false, error: { code: "INTERNAL", message: "internal error" } });
  expect(read.calls).toBe(1);

  // Outside: not a member, nobody was told, no messages reach it, it may not send.
  expect(await joined).toBe(false);
  expect(okData(await emitAck(bob, "room:members", { room: "lobby" })).members.map((u: { name: string }) => u.name)).toEqual(["Bob"]);
  const heard = receives(ada, "message:new", 300);
  okData(await emitAck(bob, "message:send", { room: "lobby", text: "not for Ada" }));
  expect(await heard).toBe(false);
  expect(await emitAck(ada, "message:send", { room: "lobby", text: "hi" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });

  // The store is back: the retry joins as usual.
  const data = okData(await emitAck(ada, "room:join", { room: "lobby" }));
  expect(data.messages.map((m: { text: string }) => m.text)).toEqual(["not for Ada"]);
  expect(data.members.map((u: { name: string }) => u.name).sort()).toEqual(["Ada", "Bob"]);
});

test("a failed re-join of a room the socket is already in leaves it in (nothing to undo)", async () => {
  const { socket: ada } = await t.connectUser("Ada2");
  okData(await emitAck(ada, "room:join", { room: "side" }));
  failOnce(t.parlor.store, "messagesSince");
  expect(await emitAck(ada, "room:join", { room: "side", sinceSeq: 0 })).toMatchObject({ ok: false, error: { code: "INTERNAL" } });
  expect(okData(await emitAck(ada, "message:send", { room: "side", text: "still here" })).message.text).toBe("still here");
});
