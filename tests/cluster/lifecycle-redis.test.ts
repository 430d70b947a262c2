/**
 * Issue 15 on two in-process nodes joined by a real redis-server (one SQLite
 * file): an edit, a deletion and a reaction made on node A reach a member on
 * node B, and unread counts, read cursors and receipts are the same whichever
 * node answers.
 */
import path from "node:path";
import { emitAck, okData, tempDir, waitFor, type ChatSocket, type TestServer } from "../helpers";
import { chatTab, chatUser } from "./support/clients";
import { startNode } from "./support/nodes";
import { startRedis, type RedisServer } from "./support/redis";

let redis: RedisServer;
let a: TestServer;
let b: TestServer;
const opened: ChatSocket[] = [];
const track = <T extends { socket: ChatSocket }>(u: T) => (opened.push(u.socket), u);
const tab = async (url: string, token: string) => {
  const s = await chatTab(url, token);
  opened.push(s);
  return s;
};

beforeAll(async () => {
  redis = await startRedis();
  const dbPath = path.join(tempDir("parlor-cluster-"), "parlor.db");
  a = await startNode("node-a", { redisUrl: redis.url, dbPath });
  b = await startNode("node-b", { redisUrl: redis.url, dbPath });
});

afterAll(async () => {
  for (const s of opened) s.close();
  await a?.cleanup();
  await b?.cleanup();
  await redis?.stop();
});

const mine = async (s: ChatSocket) => okData(await emitAck(s, "room:mine", {})).rooms;

test("an edit, a deletion and a reaction on node A reach a member on node B", async () => {
  const ada = track(await chatUser(a.url, "ada"));
  const bob = track(await chatUser(b.url, "bob"));
  for (const u of [ada, bob]) okData(await emitAck(u.socket, "room:join", { room: "changes" }));
  const [sent] = await Promise.all([
    emitAck(ada.socket, "message:send", { room: "changes", text: "helo" }),
    waitFor(bob.socket, "message:new"),
  ]);
  const { seq } = okData(sent).message;

  const [edited, updated] = await Promise.all([
    emitAck(ada.socket, "message:edit", { room: "changes", seq, text: "hello" }),
    waitFor(bob.socket, "message:updated"),
  ]);
  expect(updated).toEqual(okData(edited).message);
  expect(updated).toMatchObject({ text: "hello", editedAt: expect.any(Number) });

  const [reacted, reactions] = await Promise.all([
    emitAck(ada.socket, "message:react", { room: "changes", seq, emoji: "👍", on: true }),
    waitFor(bob.socket, "message:reactions"),
  ]);
  expect(reactions).toEqual(okData(reacted));
  expect(reactions.reactions).toEqual([{ emoji: "👍", count: 1, users: [ada.session.user.id] }]);

  const [deleted, gone] = await Promise.all([
    emitAck(ada.socket, "message:delete", { room: "changes", seq }),
    waitFor(bob.socket, "message:deleted"),
  ]);
  expect(okData(deleted)).toEqual({ room: "changes", seq });
  expect(gone).toEqual({ room: "changes", seq, rev: reactions.rev + 1, by: expect.objectContaining({ id: ada.session.user.id }) });

  // B's store reads the same tombstone.
  const history = okData(await emitAck(bob.socket, "message:history", { room: "changes" })).messages;
  expect(history).toEqual([expect.objectContaining({ seq, text: "", deleted: true, rev: gone.rev })]);
});

test("unread counts are right whichever node answers: messages on both nodes, room:mine on A and on B", async () => {
  const ada = track(await chatUser(a.url, "ada"));
  const bob = track(await chatUser(b.url, "bob"));
  for (const u of [ada, bob]) okData(await emitAck(u.socket, "room:join", { room: "counts" }));
  // Three from Ada on A, two from Bob on B: each sees the other's as unread, never their own.
  for (const text of ["a1", "a2", "a3"]) okData(await emitAck(ada.socket, "message:send", { room: "counts", text }));
  for (const text of ["b1", "b2"]) okData(await emitAck(bob.socket, "message:send", { room: "counts", text }));

  // Each user asks on both nodes: their own node and, through a second tab, the other one.
  const adaOnB = await tab(b.url, ada.session.token);
  const bobOnA = await tab(a.url, bob.session.token);
  for (const s of [ada.socket, adaOnB]) expect(await mine(s)).toEqual([{ room: "counts", lastSeq: 5, readSeq: 3, unread: 2 }]);
  for (const s of [bob.socket, bobOnA]) expect(await mine(s)).toEqual([{ room: "counts", lastSeq: 5, readSeq: 5, unread: 0 }]);

  // A deleted message is not unread; a read on B moves the cursor A answers with, and reaches Ada's tab on A.
  okData(await emitAck(bob.socket, "message:delete", { room: "counts", seq: 4 }));
  expect(await mine(adaOnB)).toEqual([{ room: "counts", lastSeq: 5, readSeq: 3, unread: 1 }]);
  const [read, synced] = await Promise.all([emitAck(adaOnB, "room:read", { room: "counts", seq: 5 }), waitFor(ada.socket, "room:read")]);
  expect(okData(read)).toEqual({ room: "counts", readSeq: 5 });
  expect(synced).toEqual({ room: "counts", readSeq: 5 });
  expect(await mine(ada.socket)).toEqual([{ room: "counts", lastSeq: 5, readSeq: 5, unread: 0 }]);

  // Receipts agree on both nodes too.
  const receipts = async (s: ChatSocket) =>
    okData(await emitAck<{ receipts: { user: { name: string }; readSeq: number }[] }>(s, "room:receipts", { room: "counts" }))
      .receipts.map((r) => ({ name: r.user.name, readSeq: r.readSeq }))
      .sort((x, y) => x.name.localeCompare(y.name));
  const expected = [
    { name: "ada", readSeq: 5 },
    { name: "bob", readSeq: 5 },
  ];
  expect(await receipts(ada.socket)).toEqual(expected);
  expect(await receipts(bobOnA)).toEqual(expected);
});
