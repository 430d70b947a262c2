/**
 * What the SQLite writer keeps for itself to make a send cheap, on a real
 * file: the full-text index written once per transaction (sqlite-fts-index.ts)
 * and the cached slow mode and mutes of a room (sqlite-room-guards.ts). The
 * index must match the messages whatever shares a batch (edits, deletions, a
 * write rolled back to its savepoint), and the cache must never let through a
 * send the database would refuse: not after a rollback, not when another
 * connection (a second node on the same file) mutes or turns slow mode on.
 */
import Database from "better-sqlite3";
import { openSqliteStore, type SqliteStore } from "../../server/storage/sqlite";
import { ann, ben, freshRoom, refusal, tempFile } from "./support/stores";

let file: string;
let store: SqliteStore;
beforeEach(() => {
  file = tempFile("parlor.db");
  store = openSqliteStore(file, { synchronous: "NORMAL" });
});
afterEach(() => store.close());

/** FTS5's own check, against the content table (rank 1), that the index holds exactly each row's text once (throws otherwise). */
function checkIndex(): void {
  const db = new Database(file);
  try {
    db.exec("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)");
  } finally {
    db.close();
  }
}

const texts = async (query: string, room: string) => (await store.search(query, [room], 50)).map((r) => r.message.text).sort();
const opened = async (room: string) => {
  for (const u of [ann, ben]) {
    await store.saveUser(u, []);
    await store.openRoom(room, u);
    await store.startMembership(u, room);
  }
};

test("messages, edits and deletions in one batch: search sees each message's final text, the index matches the rows", async () => {
  const room = freshRoom("fts");
  await store.appendMessage({ room, user: ann, text: "kept apple" });
  // One batch: new messages, an edit and a deletion of a message of the same batch, an edit of an older one.
  const before = store.commitStats().commits;
  await Promise.all([
    store.appendMessage({ room, user: ann, text: "second apple" }),
    store.appendMessage({ room, user: ann, text: "third apple" }),
    store.editMessage({ room, seq: 2, userId: ann.id, text: "second pear" }),
    store.deleteMessage({ room, seq: 3, userId: ann.id, asModerator: false }),
    store.editMessage({ room, seq: 1, userId: ann.id, text: "kept plum" }),
    store.appendMessage({ room, user: ann, text: "fourth apple" }),
  ]);
  expect(store.commitStats().commits - before).toBe(1);
  expect(await texts("apple", room)).toEqual(["fourth apple"]);
  expect(await texts("pear OR plum", room)).toEqual(["kept plum", "second pear"]);
  checkIndex();
  // And later, outside that batch, the same rows change again.
  await store.editMessage({ room, seq: 2, userId: ann.id, text: "second fig" });
  await store.deleteMessage({ room, seq: 4, userId: ann.id, asModerator: false });
  expect(await texts("apple OR pear", room)).toEqual([]);
  expect(await texts("fig", room)).toEqual(["second fig"]);
  checkIndex();
});

test("a write rolled back inside a batch leaves the index matching the rows it kept", async () => {
  const room = freshRoom("fts-fail");
  const results = await Promise.allSettled([
    store.appendMessage({ room, user: ann, text: "one melon" }),
    // NOT NULL violation on text: this write alone is rolled back (its savepoint), the batch re-run.
    store.appendMessage({ room, user: ann, text: null as unknown as string }),
    store.editMessage({ room, seq: 1, userId: ann.id, text: "one lime" }),
    store.appendMessage({ room, user: ann, text: "two melon" }),
  ]);
  expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
  expect(store.commitStats().isolatedRetries).toBe(1);
  expect(await texts("melon OR lime", room)).toEqual(["one lime", "two melon"]);
  checkIndex();
});

test("a mute, slow mode or their end takes effect on the next send, also when it shares that send's batch", async () => {
  const room = freshRoom("guards");
  await opened(room);
  await store.appendMessage({ room, user: ben, text: "before" });
  const [muted, refused] = await Promise.allSettled([
    store.moderate({ room, action: "mute", target: ben, by: ann }),
    store.appendMessage({ room, user: ben, text: "while muted" }),
  ]);
  expect(muted.status).toBe("fulfilled");
  expect(refused).toMatchObject({ status: "rejected", reason: { code: "FORBIDDEN", details: { reason: "muted", until: null } } });
  await store.moderate({ room, action: "unmute", target: ben, by: ann });
  await store.appendMessage({ room, user: ben, text: "unmuted" });

  // A mute rolled back with its batch (another write failed) is stored by the re-run: it still holds.
  const batch = await Promise.allSettled([
    store.moderate({ room, action: "mute", target: ben, by: ann, durationMs: 60_000 }),
    store.appendMessage({ room, user: ann, text: null as unknown as string }),
    store.appendMessage({ room, user: ben, text: "muted again" }),
  ]);
  expect(batch.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected"]);
  expect(await refusal(store.appendMessage({ room, user: ben, text: "still muted" }))).toMatchObject({ code: "FORBIDDEN" });
  await store.moderate({ room, action: "unmute", target: ben, by: ann });

  // Slow mode turned on after Ben's last post: measured from that post, which was sent with slow mode off.
  await store.updateRoom({ room, by: ann, slowModeMs: 60_000 });
  expect(await refusal(store.appendMessage({ room, user: ben, text: "too soon" }))).toMatchObject({
    code: "RATE_LIMITED",
    details: { reason: "slow_mode" },
  });
  await store.updateRoom({ room, by: ann, slowModeMs: 0 });
  await store.appendMessage({ room, user: ben, text: "slow mode off" });
});

test("a second connection to the file (another node) mutes or turns slow mode on: the first one's next send obeys", async () => {
  const room = freshRoom("two-writers");
  await opened(room);
  await store.appendMessage({ room, user: ben, text: "cached room" });
  const other = openSqliteStore(file, { synchronous: "NORMAL" });
  try {
    await other.moderate({ room, action: "mute", target: ben, by: ann });
    expect(await refusal(store.appendMessage({ room, user: ben, text: "muted elsewhere" }))).toMatchObject({
      code: "FORBIDDEN",
      details: { reason: "muted" },
    });
    await other.moderate({ room, action: "unmute", target: ben, by: ann });
    await store.appendMessage({ room, user: ben, text: "free again" });
    await other.updateRoom({ room, by: ann, slowModeMs: 60_000 });
    expect(await refusal(store.appendMessage({ room, user: ben, text: "slow elsewhere" }))).toMatchObject({ code: "RATE_LIMITED" });
    // Both writers' messages are in the index once.
    await other.appendMessage({ room, user: ann, text: "from the other node" });
    expect((await store.search("node", [room], 10)).map((r) => r.message.text)).toEqual(["from the other node"]);
  } finally {
    await other.close();
  }
  checkIndex();
});

test("a room without slow mode records no last posts (slow mode measures from the messages when it is turned on)", async () => {
  const room = freshRoom("no-slow");
  await opened(room);
  await Promise.all([1, 2, 3].map((i) => store.appendMessage({ room, user: ben, text: `m${i}` })));
  const db = new Database(file, { readonly: true });
  try {
    expect(db.prepare("SELECT count(*) AS n FROM last_posts WHERE room = ?").get(room)).toEqual({ n: 0 });
  } finally {
    db.close();
  }
});
