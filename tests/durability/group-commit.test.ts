/**
 * The SQLite store's write path, on a real file: group commit batches one
 * event-loop turn into one transaction, a failing write does not take its
 * batch down, seq stays gap-free, the unique index (not memory) stops
 * duplicates, and close() commits what was queued.
 */
import Database from "better-sqlite3";
import path from "node:path";
import type { User } from "../../server/protocol";
import { openSqliteStore, type SqliteStore } from "../../server/storage/sqlite";
import { tempDir } from "../helpers";
import { range } from "./support";

const ada: User = { id: "u_ada", name: "Ada" };
let file: string;
let store: SqliteStore;
beforeEach(() => {
  file = path.join(tempDir(), "parlor.db");
  store = openSqliteStore(file);
});
afterEach(() => store.close());

test("writes submitted in one turn of the event loop share one commit, and resolve only after it", async () => {
  const before = store.commitStats().commits;
  const pending = range(1, 50).map((i) => store.appendMessage({ room: "lobby", user: ada, text: `m${i}` }));
  // Nothing is committed yet: another connection to the file sees no message.
  const reader = new Database(file, { readonly: true });
  try {
    expect(reader.prepare("SELECT count(*) AS n FROM messages").get()).toEqual({ n: 0 });
    const stored = await Promise.all(pending);
    expect(reader.prepare("SELECT count(*) AS n FROM messages").get()).toEqual({ n: 50 });
    expect(stored.map((s) => s.message.seq)).toEqual(range(1, 50));
  } finally {
    reader.close();
  }
  expect(store.commitStats().commits - before).toBe(1);
  expect(store.commitStats().isolatedRetries).toBe(0);
});

test("a write that fails inside a batch fails alone: the others commit and seq has no gap", async () => {
  const before = store.commitStats();
  const results = await Promise.allSettled([
    store.appendMessage({ room: "lobby", user: ada, text: "first" }),
    // NOT NULL violation on text: rolled back to its savepoint, with its seq bump.
    store.appendMessage({ room: "lobby", user: ada, text: null as unknown as string }),
    store.appendMessage({ room: "lobby", user: ada, text: "third" }),
  ]);
  expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  const page = await store.messagesSince("lobby", 0, 10);
  expect(page.items.map((m) => [m.seq, m.text])).toEqual([
    [1, "first"],
    [2, "third"],
  ]);
  // One commit still, reached by re-running that batch with a savepoint per write.
  expect(store.commitStats().commits - before.commits).toBe(1);
  expect(store.commitStats().isolatedRetries - before.isolatedRetries).toBe(1);
  expect((await store.appendMessage({ room: "lobby", user: ada, text: "fourth" })).message.seq).toBe(3);
});

test("the same clientId five times in one batch: one row, five identical answers, created once", async () => {
  const results = await Promise.all(range(1, 5).map(() => store.appendMessage({ room: "lobby", user: ada, text: "hi", clientId: "c1" })));
  expect(results.filter((r) => r.created)).toHaveLength(1);
  expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
  expect((await store.messagesSince("lobby", 0, 10)).items).toHaveLength(1);
});

test("two connections to one file (two processes) sending one clientId: one row; the database itself refuses a second", async () => {
  const other = openSqliteStore(file);
  try {
    const [a, b] = await Promise.all([
      store.appendMessage({ room: "lobby", user: ada, text: "x", clientId: "race" }),
      other.appendMessage({ room: "lobby", user: ada, text: "x", clientId: "race" }),
    ]);
    expect(b.message.id).toBe(a.message.id);
    expect([a.created, b.created].sort()).toEqual([false, true]);
  } finally {
    await other.close();
  }
  // And directly: the database refuses a second row for the same (room, user, clientId).
  const db = new Database(file);
  try {
    expect(() =>
      db
        .prepare(
          "INSERT INTO messages (id, room, seq, user_id, user_name, text, ts, client_id) VALUES ('dup', 'lobby', 99, 'u_ada', 'Ada', 'x', 0, 'race')",
        )
        .run(),
    ).toThrow(/UNIQUE/);
  } finally {
    db.close();
  }
});

test("close() commits the writes already queued", async () => {
  const pending = range(1, 20).map((i) => store.appendMessage({ room: "lobby", user: ada, text: `m${i}` }));
  await store.close();
  await Promise.all(pending);
  const again = openSqliteStore(file);
  try {
    expect((await again.messagesSince("lobby", 0, 100)).items.map((m) => m.seq)).toEqual(range(1, 20));
  } finally {
    await again.close();
  }
  await expect(store.appendMessage({ room: "lobby", user: ada, text: "late" })).rejects.toThrow(/closed/);
});

test("without group commit every write is its own transaction (the benchmark's baseline)", async () => {
  const single = openSqliteStore(path.join(tempDir(), "single.db"), { groupCommit: false, synchronous: "NORMAL" });
  try {
    await Promise.all(range(1, 10).map((i) => single.appendMessage({ room: "r", user: ada, text: `m${i}` })));
    expect(single.commitStats()).toMatchObject({ commits: 10, maxBatch: 1 });
  } finally {
    await single.close();
  }
});

test("seq counts per room, and DMs and users go through the same queue", async () => {
  const bob: User = { id: "u_bob", name: "Bob" };
  await Promise.all([store.saveUser(ada), store.saveUser(bob)]);
  const [a1, b1, a2, dm] = await Promise.all([
    store.appendMessage({ room: "a", user: ada, text: "1" }),
    store.appendMessage({ room: "b", user: ada, text: "1" }),
    store.appendMessage({ room: "a", user: bob, text: "2" }),
    store.appendDirectMessage({ from: ada, to: bob, text: "dm" }),
  ]);
  expect([a1.message.seq, b1.message.seq, a2.message.seq]).toEqual([1, 1, 2]);
  expect(dm.created).toBe(true);
  expect(await store.getUser("u_bob")).toEqual(bob);
});
