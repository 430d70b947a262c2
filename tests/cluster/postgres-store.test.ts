/**
 * The PostgreSQL store against a real server: the MessageStore behaviour the
 * SQLite store has (pages, idempotency, DMs, users) plus its own search
 * (websearch syntax, `word*` prefixes, `[` `]` snippets) and migrations.
 */
import { Pool } from "pg";
import { MIGRATIONS, migrate } from "../../server/storage/postgres-schema";
import { openPostgresStore } from "../../server/storage/postgres";
import { searchQuery } from "../../server/storage/postgres-search";
import type { MessageStore } from "../../server/storage/types";
import { range } from "./support/clients";
import { startPostgres, type PostgresServer } from "./support/postgres";

let pg: PostgresServer;
let url: string;
let store: MessageStore;
const ann = { id: "u_ann", name: "Ann" };
const ben = { id: "u_ben", name: "Ben" };

beforeAll(async () => {
  pg = await startPostgres();
  url = await pg.createDatabase("store_test");
  store = await openPostgresStore(url);
}, 60_000);

afterAll(async () => {
  await store?.close();
  await pg?.stop();
});

test("migrations apply once; opening again applies nothing", async () => {
  const pool = new Pool({ connectionString: url });
  try {
    expect(await migrate(pool)).toEqual([]);
    const { rows } = await pool.query("SELECT version FROM parlor_migrations ORDER BY version");
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  } finally {
    await pool.end();
  }
});

test("history pages: recent, before and since, with hasMore", async () => {
  for (const n of range(7)) await store.appendMessage({ room: "pages", user: ann, text: `m${n}` });
  const recent = await store.recentMessages("pages", 3);
  expect(recent.items.map((m) => m.seq)).toEqual([5, 6, 7]);
  expect(recent.hasMore).toBe(true);
  const before = await store.messagesBefore("pages", 5, 3);
  expect(before.items.map((m) => m.seq)).toEqual([2, 3, 4]);
  expect(before.hasMore).toBe(true);
  expect((await store.messagesBefore("pages", 3, 5)).hasMore).toBe(false);
  const since = await store.messagesSince("pages", 4, 2);
  expect(since.items.map((m) => [m.seq, m.text])).toEqual([
    [5, "m5"],
    [6, "m6"],
  ]);
  expect(since.hasMore).toBe(true);
  expect(recent.items[0]).toEqual({
    id: expect.stringMatching(/^m_/),
    room: "pages",
    seq: 5,
    user: ann,
    text: "m5",
    ts: expect.any(Number),
    rev: 5,
  });
});

test("a clientId retry returns the first message and stores nothing new; another room or user is separate", async () => {
  const first = await store.appendMessage({ room: "idem", user: ann, text: "hello", clientId: "k1" });
  const again = await store.appendMessage({ room: "idem", user: ann, text: "hello (retry)", clientId: "k1" });
  expect(first.created).toBe(true);
  expect(again).toEqual({ message: first.message, created: false });
  expect(first.message.clientId).toBe("k1");
  expect((await store.appendMessage({ room: "idem", user: ben, text: "hi", clientId: "k1" })).created).toBe(true);
  expect((await store.appendMessage({ room: "idem-2", user: ann, text: "hi", clientId: "k1" })).created).toBe(true);
  expect((await store.recentMessages("idem", 10)).items.map((m) => m.seq)).toEqual([1, 2]);
});

test("concurrent duplicates resolve to the message that won, without a seq gap", async () => {
  const results = await Promise.all(range(10).map(() => store.appendMessage({ room: "race", user: ann, text: "once", clientId: "same" })));
  expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
  expect(results.filter((r) => r.created)).toHaveLength(1);
  const next = await store.appendMessage({ room: "race", user: ann, text: "after" });
  expect(next.message.seq).toBe(2);
});

test("search: the search box language of the SQLite store, snippets with [ ], only the given rooms", async () => {
  await store.appendMessage({ room: "s1", user: ann, text: "Hello world, the weather is lovely" });
  await store.appendMessage({ room: "s1", user: ben, text: "help me find the helicopter" });
  await store.appendMessage({ room: "s2", user: ann, text: "hello from another room" });
  await store.appendMessage({ room: "s1", user: ben, text: "goodbye cruel world" });
  const texts = async (q: string, rooms = ["s1"]) => (await store.search(q, rooms, 10)).map((r) => r.message.text).sort();

  const hello = await store.search("hello", ["s1"], 10);
  expect(hello.map((r) => r.message.text)).toEqual(["Hello world, the weather is lovely"]);
  expect(hello[0].snippet).toContain("[Hello]");
  expect(hello[0].score).toBeGreaterThan(0);

  expect(await texts("hel*", ["s1", "s2"])).toEqual([
    "Hello world, the weather is lovely",
    "hello from another room",
    "help me find the helicopter",
  ]);
  const help = (await store.search("heli*", ["s1"], 10))[0];
  expect(help.snippet).toContain("[helicopter]");
  expect(await texts("world")).toEqual(["Hello world, the weather is lovely", "goodbye cruel world"]);
  expect(await texts('"cruel world"')).toEqual(["goodbye cruel world"]);
  expect(await texts('"world cruel"')).toEqual([]);
  expect(await texts('"goodbye cru"*')).toEqual(["goodbye cruel world"]);
  expect(await texts("world NOT goodbye")).toEqual(["Hello world, the weather is lovely"]);
  expect(await texts("weather OR helicopter")).toEqual(["Hello world, the weather is lovely", "help me find the helicopter"]);
  // Side by side means all of them; NOT binds tighter than AND, AND tighter than OR, as in FTS5.
  expect(await texts("world lovely")).toEqual(["Hello world, the weather is lovely"]);
  expect(await texts("helicopter OR world AND cruel")).toEqual(["goodbye cruel world", "help me find the helicopter"]);
  expect(await texts("(helicopter OR world) NOT cruel")).toEqual(["Hello world, the weather is lovely", "help me find the helicopter"]);
  // Like the SQLite store's porter/unicode61 index: stems, folded accents, no stop words.
  await store.appendMessage({ room: "s3", user: ann, text: "We were running to the café" });
  expect(await texts("run", ["s3"])).toEqual(["We were running to the café"]);
  expect(await texts("cafe", ["s3"])).toEqual(["We were running to the café"]);
  expect(await texts('"to the"', ["s3"])).toEqual(["We were running to the café"]);
  expect((await store.search("CAFÉ", ["s3"], 10))[0].snippet).toContain("[café]");
  // What would be syntax errors elsewhere is searched as words, or matches nothing.
  expect(await texts('"unterminated AND (')).toEqual([]);
  expect(await texts("don't e-mail C++")).toEqual([]);
  expect(await store.search("* AND )", ["s1"], 10)).toEqual([]);
  expect(await store.search("hello", [], 10)).toEqual([]);
});

test("searchQuery builds parameterised tsquery SQL from the normalised expression", () => {
  expect(searchQuery("hel* OR bye", 3)).toEqual({
    sql: "(to_tsquery('parlor', $3) || phraseto_tsquery('parlor', $4))",
    params: ["'hel':*", "bye"],
  });
  expect(searchQuery('"e-mail ad"* x', 1)).toEqual({
    sql: "((phraseto_tsquery('parlor', $1) <-> to_tsquery('parlor', $2)) && phraseto_tsquery('parlor', $3))",
    params: ["e mail", "'ad':*", "x"],
  });
  expect(searchQuery("a NOT b OR c", 1)!.sql).toBe(
    "((phraseto_tsquery('parlor', $1) && !!phraseto_tsquery('parlor', $2)) || phraseto_tsquery('parlor', $3))",
  );
  expect(searchQuery("  AND ( ", 1)).toBeUndefined();
});

test("direct messages: history between two users, newest page first, clientId retries", async () => {
  const first = await store.appendDirectMessage({ from: ann, to: ben, text: "one", clientId: "d1" });
  expect((await store.appendDirectMessage({ from: ann, to: ben, text: "one again", clientId: "d1" })).message).toEqual(first.message);
  await store.appendDirectMessage({ from: ben, to: ann, text: "two" });
  await store.appendDirectMessage({ from: ann, to: ben, text: "three" });
  const page = await store.directHistory(ben.id, ann.id, undefined, 2);
  expect(page.items.map((m) => m.text)).toEqual(["two", "three"]);
  expect(page.hasMore).toBe(true);
  expect((await store.directHistory(ann.id, ben.id, undefined, 10)).items.map((m) => m.text)).toEqual(["one", "two", "three"]);
  expect((await store.directHistory(ann.id, "u_someone", undefined, 10)).items).toEqual([]);
  expect(first.message).toEqual({
    id: expect.stringMatching(/^d_/),
    from: ann,
    to: ben,
    text: "one",
    ts: expect.any(Number),
    clientId: "d1",
  });
});

test("users: saved, renamed, unknown ids undefined", async () => {
  await store.saveUser(ann);
  await store.saveUser({ ...ann, name: "Annie" });
  expect(await store.getUser(ann.id)).toEqual({ id: ann.id, name: "Annie" });
  expect(await store.getUser("u_nobody")).toBeUndefined();
});
