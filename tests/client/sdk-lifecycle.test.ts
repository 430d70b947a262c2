/**
 * The SDK's message lifecycle and read state against a real server: reply,
 * edit, delete, react and their events; read cursors, unread counts,
 * receipts and conversations; and the catch-up with sinceRev after a
 * reconnect (changes made while away arrive as `message-updated`).
 */
import { connectParlor, ParlorError } from "../../client/sdk";
import { setup, UNLIMITED_EVENTS, type TestServer } from "../helpers";
import { clientPool, collect, nextEvent } from "./sdk-helpers";

let t: TestServer;
const pool = clientPool();
beforeEach(async () => (t = await setup(UNLIMITED_EVENTS)));
afterEach(async () => {
  pool.closeAll();
  await t.cleanup();
});

const connect = (name: string) => pool.connect({ url: t.url, name, transports: ["websocket"] });
const author = (p: { user: { id: string; name: string } }) => ({ id: p.user.id, name: p.user.name });

async function adaAndBob() {
  const ada = await connect("Ada");
  const bob = await connect("Bob");
  await ada.join("lobby");
  await bob.join("lobby");
  return { ada, bob };
}

test("reply, edit, delete and react: typed results, and the others get message-updated, message-deleted, reactions", async () => {
  const { ada, bob } = await adaAndBob();
  const question = await ada.send("lobby", "lunch at noon?");
  const [answer, seen] = await Promise.all([bob.reply("lobby", question.seq, "yes"), nextEvent(ada, "message")]);
  expect(answer.replyTo).toEqual({ seq: question.seq, user: author(ada), text: "lunch at noon?" });
  expect(seen).toEqual(answer);

  const [edited, updated] = await Promise.all([ada.edit("lobby", question.seq, "lunch at one?"), nextEvent(bob, "message-updated")]);
  expect(edited).toMatchObject({ seq: question.seq, text: "lunch at one?", editedAt: expect.any(Number) });
  expect(updated).toEqual(edited);

  const [reacted, reactions] = await Promise.all([bob.react("lobby", question.seq, "👍"), nextEvent(ada, "reactions")]);
  expect(reacted).toEqual({
    room: "lobby",
    seq: question.seq,
    rev: expect.any(Number),
    reactions: [{ emoji: "👍", count: 1, users: [bob.user.id] }],
  });
  expect(reactions).toEqual(reacted);
  expect((await bob.react("lobby", question.seq, "👍", false)).reactions).toEqual([]);

  const [deleted, gone] = await Promise.all([bob.delete("lobby", answer.seq), nextEvent(ada, "message-deleted")]);
  expect(deleted).toEqual({ room: "lobby", seq: answer.seq });
  expect(gone).toEqual({ room: "lobby", seq: answer.seq, rev: expect.any(Number), by: expect.objectContaining({ id: bob.user.id }) });

  // Errors are ParlorErrors with the server's code.
  await expect(bob.edit("lobby", question.seq, "mine now")).rejects.toMatchObject({ code: "FORBIDDEN" });
  await expect(bob.edit("lobby", answer.seq, "back")).rejects.toMatchObject({ code: "NOT_FOUND" });
  await expect(ada.reply("lobby", answer.seq, "to a tombstone")).rejects.toBeInstanceOf(ParlorError);
  await expect(ada.react("lobby", question.seq, "two words")).rejects.toMatchObject({ code: "BAD_REQUEST" });
});

test("markRead, myRooms, receipts and conversations; another client of the same user gets `read`", async () => {
  const { ada, bob } = await adaAndBob();
  await ada.join("ops");
  const sent = [];
  for (const text of ["one", "two", "three"]) sent.push(await ada.send("lobby", text));

  expect(await bob.myRooms()).toEqual([{ room: "lobby", lastSeq: 3, readSeq: 0, unread: 3 }]);
  const bobsTab = await pool.connect({ url: t.url, session: bob.session, transports: ["websocket"] });
  const [cursor, read] = await Promise.all([bob.markRead("lobby", sent[1].seq), nextEvent(bobsTab, "read")]);
  expect(cursor).toEqual({ room: "lobby", readSeq: 2 });
  expect(read).toEqual(cursor);
  expect(await bob.myRooms()).toEqual([{ room: "lobby", lastSeq: 3, readSeq: 2, unread: 1 }]);
  // Own messages are never unread.
  expect((await ada.myRooms()).sort((a, b) => a.room.localeCompare(b.room))).toEqual([
    { room: "lobby", lastSeq: 3, readSeq: 3, unread: 0 },
    { room: "ops", lastSeq: 0, readSeq: 0, unread: 0 },
  ]);

  const receipts = await ada.receipts("lobby");
  expect(receipts.map((r) => ({ name: r.user.name, readSeq: r.readSeq })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
    { name: "Ada", readSeq: 3 },
    { name: "Bob", readSeq: 2 },
  ]);

  await ada.dm(bob.user.id, "first");
  const last = await bob.dm(ada.user.id, "latest");
  expect(await ada.conversations()).toEqual([{ with: expect.objectContaining({ id: bob.user.id }), last }]);
});

test("after a reconnect, what changed while away arrives as message-updated (sinceRev), new messages as message", async () => {
  const { ada, bob } = await adaAndBob();
  const kept = await ada.send("lobby", "keep me");
  const fixed = await ada.send("lobby", "fix me");
  const doomed = await ada.send("lobby", "delete me");
  await Promise.all([bob.send("lobby", "seen"), nextEvent(ada, "message")]);
  // A change Bob sees live moves his rev watermark: it is not sent again.
  await Promise.all([ada.react("lobby", kept.seq, "🎉"), nextEvent(bob, "reactions")]);

  const updates = collect(bob, "message-updated");
  const messages = collect(bob, "message");
  bob.socket.disconnect();
  await ada.edit("lobby", fixed.seq, "fixed");
  await ada.delete("lobby", doomed.seq);
  await ada.react("lobby", fixed.seq, "👀");
  await ada.send("lobby", "while you were away");

  const back = nextEvent(bob, "reconnect");
  bob.socket.connect();
  expect(await back).toEqual({ rooms: ["lobby"] });
  expect(messages.map((m) => m.text)).toEqual(["while you were away"]);
  // Each changed message once, in its current form, oldest change first; the live-seen reaction not again.
  expect(updates.map((m) => ({ seq: m.seq, text: m.text, deleted: m.deleted, reactions: m.reactions?.map((r) => r.emoji) }))).toEqual([
    { seq: doomed.seq, text: "", deleted: true, reactions: undefined },
    { seq: fixed.seq, text: "fixed", deleted: undefined, reactions: ["👀"] },
  ]);

  // And the rev watermark moved to the room's rev: a second reconnect brings nothing again.
  updates.length = 0;
  bob.socket.disconnect();
  const again = nextEvent(bob, "reconnect");
  bob.socket.connect();
  await again;
  expect(updates).toEqual([]);
});

test("a session passed back reconnects as the same user, whose rooms and cursors persist", async () => {
  const ada = await connect("Ada");
  await ada.join("lobby");
  await ada.send("lobby", "hello");
  const session = ada.session;
  ada.close();
  const again = await connectParlor({ url: t.url, session, transports: ["websocket"] });
  try {
    expect(await again.myRooms()).toEqual([{ room: "lobby", lastSeq: 1, readSeq: 1, unread: 0 }]);
  } finally {
    again.close();
  }
});
