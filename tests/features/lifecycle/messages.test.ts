/**
 * Message lifecycle on a real server (PROTOCOL v2): replies, edits,
 * deletions, reactions, the events the room sees, search following edits and
 * deletions, and catch-up with sinceRev after a disconnect.
 */
import { emitAck, okData, receives, setup, UNLIMITED_EVENTS, waitFor, type TestServer } from "../../helpers";

let server: TestServer;
beforeEach(async () => (server = await setup(UNLIMITED_EVENTS)));
afterEach(() => server.cleanup());

async function twoInLobby() {
  const ada = await server.connectUser("Ada");
  const bob = await server.connectUser("Bob");
  for (const u of [ada, bob]) okData(await emitAck(u.socket, "room:join", { room: "lobby" }));
  const send = async (u: typeof ada, text: string, extra = {}) =>
    okData(await emitAck(u.socket, "message:send", { room: "lobby", text, ...extra })).message;
  return { ada, bob, send };
}

test("replyTo carries the original's preview; a missing original answers NOT_FOUND", async () => {
  const { ada, bob, send } = await twoInLobby();
  const original = await send(ada, "x".repeat(200));
  const [reply, seen] = await Promise.all([send(bob, "yes", { replyTo: original.seq }), waitFor(ada.socket, "message:new")]);
  expect(reply.replyTo).toEqual({ seq: 1, user: original.user, text: "x".repeat(140) });
  expect(reply.replyTo?.user.id).toBe(ada.session.user.id);
  expect(seen).toEqual(reply);
  expect(await emitAck(bob.socket, "message:send", { room: "lobby", text: "?", replyTo: 99 })).toMatchObject({
    ok: false,
    error: { code: "NOT_FOUND" },
  });
});

test("edit: author only, sets editedAt and a new rev, the others get message:updated", async () => {
  const { ada, bob, send } = await twoInLobby();
  const m = await send(ada, "helo");
  expect(m.rev).toBe(1);
  const [ack, updated, echoed] = await Promise.all([
    emitAck(ada.socket, "message:edit", { room: "lobby", seq: m.seq, text: "hello" }),
    waitFor(bob.socket, "message:updated"),
    receives(ada.socket, "message:updated"),
  ]);
  const edited = okData(ack).message;
  expect(edited).toMatchObject({ seq: 1, text: "hello", rev: 2, editedAt: expect.any(Number) });
  expect(updated).toEqual(edited);
  expect(echoed).toBe(false);
  expect(await emitAck(bob.socket, "message:edit", { room: "lobby", seq: 1, text: "mine" })).toMatchObject({
    ok: false,
    error: { code: "FORBIDDEN" },
  });
  expect(await emitAck(ada.socket, "message:edit", { room: "lobby", seq: 7, text: "x" })).toMatchObject({
    ok: false,
    error: { code: "NOT_FOUND" },
  });
  expect(await emitAck(ada.socket, "message:edit", { room: "lobby", seq: 1, text: "  " })).toMatchObject({
    ok: false,
    error: { code: "BAD_REQUEST", details: { field: "text" } },
  });
});

test("delete: a tombstone keeps its seq, the others get message:deleted, replies show deleted", async () => {
  const { ada, bob, send } = await twoInLobby();
  const m = await send(ada, "oops");
  await send(bob, "re", { replyTo: 1 });
  expect(await emitAck(bob.socket, "message:delete", { room: "lobby", seq: 1 })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  const [ack, deleted] = await Promise.all([
    emitAck(ada.socket, "message:delete", { room: "lobby", seq: m.seq }),
    waitFor(bob.socket, "message:deleted"),
  ]);
  expect(okData(ack)).toEqual({ room: "lobby", seq: 1 });
  expect(deleted).toMatchObject({ room: "lobby", seq: 1, rev: 3, by: { id: ada.session.user.id } });
  const { messages } = okData(await emitAck(bob.socket, "message:history", { room: "lobby" }));
  expect(messages[0]).toEqual({ id: m.id, room: "lobby", seq: 1, user: m.user, text: "", ts: m.ts, rev: 3, deleted: true });
  expect(messages[1].replyTo).toEqual({ seq: 1, user: m.user, text: "", deleted: true });
  expect(await emitAck(ada.socket, "message:delete", { room: "lobby", seq: 1 })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  expect(await emitAck(ada.socket, "message:edit", { room: "lobby", seq: 1, text: "back" })).toMatchObject({
    ok: false,
    error: { code: "NOT_FOUND" },
  });
});

test("react: idempotent per user and emoji, 20 distinct at most, broadcast only on change", async () => {
  const { ada, bob, send } = await twoInLobby();
  await send(ada, "vote");
  const [ack, seen] = await Promise.all([
    emitAck(bob.socket, "message:react", { room: "lobby", seq: 1, emoji: "👍", on: true }),
    waitFor(ada.socket, "message:reactions"),
  ]);
  expect(okData(ack)).toEqual({ room: "lobby", seq: 1, rev: 2, reactions: [{ emoji: "👍", count: 1, users: [bob.session.user.id] }] });
  expect(seen).toEqual(okData(ack));
  const [again, broadcast] = await Promise.all([
    emitAck(bob.socket, "message:react", { room: "lobby", seq: 1, emoji: "👍", on: true }),
    receives(ada.socket, "message:reactions"),
  ]);
  expect(okData(again).rev).toBe(2);
  expect(broadcast).toBe(false);
  for (let i = 1; i < 20; i++) okData(await emitAck(ada.socket, "message:react", { room: "lobby", seq: 1, emoji: `e${i}`, on: true }));
  expect(await emitAck(ada.socket, "message:react", { room: "lobby", seq: 1, emoji: "e20", on: true })).toMatchObject({
    ok: false,
    error: { code: "BAD_REQUEST", details: { field: "emoji" } },
  });
  expect(await emitAck(ada.socket, "message:react", { room: "lobby", seq: 1, emoji: "a b", on: true })).toMatchObject({
    ok: false,
    error: { code: "BAD_REQUEST" },
  });
  const off = okData(await emitAck(bob.socket, "message:react", { room: "lobby", seq: 1, emoji: "👍", on: false }));
  expect(off.reactions.map((r: { emoji: string }) => r.emoji)).not.toContain("👍");
  const stranger = await server.connectUser("Eve");
  expect(await emitAck(stranger.socket, "message:react", { room: "lobby", seq: 1, emoji: "x", on: true })).toMatchObject({
    ok: false,
    error: { code: "FORBIDDEN" },
  });
});

test("200 concurrent reactions from 4 sockets give exact counts", async () => {
  const { ada, send } = await twoInLobby();
  await send(ada, "popular");
  const users = await Promise.all([1, 2, 3, 4].map((i) => server.connectUser(`U${i}`)));
  for (const u of users) okData(await emitAck(u.socket, "room:join", { room: "lobby" }));
  await Promise.all(
    users.flatMap((u) =>
      Array.from({ length: 50 }, (_, i) => emitAck(u.socket, "message:react", { room: "lobby", seq: 1, emoji: `r${i % 10}`, on: true })),
    ),
  );
  const { messages } = okData(await emitAck(ada.socket, "message:history", { room: "lobby" }));
  expect(messages[0].reactions).toHaveLength(10);
  for (const r of messages[0].reactions) expect(r.count).toBe(4);
  expect(messages[0].rev).toBe(1 + 40);
});

test("search follows edits and deletions", async () => {
  const { ada, send } = await twoInLobby();
  await send(ada, "the quick fox");
  await send(ada, "a slow turtle");
  okData(await emitAck(ada.socket, "message:edit", { room: "lobby", seq: 1, text: "the lazy dog" }));
  okData(await emitAck(ada.socket, "message:delete", { room: "lobby", seq: 2 }));
  const hits = async (q: string) =>
    okData(await emitAck(ada.socket, "message:search", { q, room: "lobby" })).results.map(
      (r: { message: { seq: number } }) => r.message.seq,
    );
  expect(await hits("fox")).toEqual([]);
  expect(await hits("lazy")).toEqual([1]);
  expect(await hits("turtle")).toEqual([]);
});

test("catch-up after a disconnect: room:join { sinceSeq, sinceRev } returns the new messages and the changes, with rev", async () => {
  const { ada, bob, send } = await twoInLobby();
  for (const t of ["one", "two", "three"]) await send(ada, t);
  const joined = okData(await emitAck(bob.socket, "room:join", { room: "lobby" }));
  expect(joined.rev).toBe(3);
  const since = { sinceSeq: 3, sinceRev: joined.rev };
  bob.socket.close();
  okData(await emitAck(ada.socket, "message:edit", { room: "lobby", seq: 1, text: "ONE" }));
  okData(await emitAck(ada.socket, "message:delete", { room: "lobby", seq: 2 }));
  await send(ada, "four");
  okData(await emitAck(ada.socket, "message:react", { room: "lobby", seq: 3, emoji: "🎉", on: true }));
  const bobAgain = await server.connectChat(bob.session.token);
  const back = okData(await emitAck(bobAgain, "room:join", { room: "lobby", ...since }));
  expect(back.messages.map((m: { seq: number; text: string }) => [m.seq, m.text])).toEqual([[4, "four"]]);
  expect(back.updates.map((m: { seq: number; text: string; deleted?: boolean }) => [m.seq, m.text, m.deleted ?? false])).toEqual([
    [1, "ONE", false],
    [2, "", true],
    [3, "three", false],
  ]);
  expect(back.updates[2].reactions).toEqual([{ emoji: "🎉", count: 1, users: [ada.session.user.id] }]);
  expect(back).toMatchObject({ rev: 7, hasMore: false, hasMoreUpdates: false });
  const nothing = okData(await emitAck(bobAgain, "room:join", { room: "lobby", sinceSeq: 4, sinceRev: back.rev }));
  expect(nothing).toMatchObject({ messages: [], updates: [], hasMoreUpdates: false, rev: 7 });
});
