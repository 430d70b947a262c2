/**
 * Today's databases (SQLite schema version 2, PostgreSQL migrations 1-2)
 * open with the message lifecycle: nothing renumbers, every existing
 * message gets rev = seq and each room rev = last seq, search still finds
 * the old text, DM conversations are filled in, and everything new works on
 * the old rows. The same expectations for both stores.
 */
import Database from "better-sqlite3";
import { Pool } from "pg";
import { MIGRATIONS, migrate } from "../../server/storage/postgres-schema";
import { openPostgresStore } from "../../server/storage/postgres";
import { openSqliteStore } from "../../server/storage/sqlite";
import type { MessageStore } from "../../server/storage/types";
import { startPostgres, type PostgresServer } from "../cluster/support/postgres";
import { STORE_KINDS, tempFile, type StoreKind } from "./support/stores";

/** SQLite schema version 2, as shipped before this migration. */
const SQLITE_V2 = `
CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL, seen_at INTEGER NOT NULL);
CREATE TABLE rooms (name TEXT PRIMARY KEY, last_seq INTEGER NOT NULL);
CREATE TABLE messages (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, room TEXT NOT NULL, seq INTEGER NOT NULL, user_id TEXT NOT NULL,
  user_name TEXT NOT NULL, text TEXT NOT NULL, ts INTEGER NOT NULL, client_id TEXT, UNIQUE (room, seq));
CREATE UNIQUE INDEX messages_client ON messages (room, user_id, client_id) WHERE client_id IS NOT NULL;
CREATE VIRTUAL TABLE messages_fts USING fts5 (text, content = 'messages', content_rowid = 'rowid',
  tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text); END;
CREATE TABLE direct_messages (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, pair TEXT NOT NULL, from_id TEXT NOT NULL, from_name TEXT NOT NULL,
  to_id TEXT NOT NULL, to_name TEXT NOT NULL, text TEXT NOT NULL, ts INTEGER NOT NULL, client_id TEXT);
CREATE INDEX direct_messages_pair ON direct_messages (pair, ts);
CREATE UNIQUE INDEX direct_messages_client ON direct_messages (from_id, to_id, client_id) WHERE client_id IS NOT NULL;
PRAGMA user_version = 2;
`;

/** The same rows in both old schemas. */
const OLD_ROWS = `
INSERT INTO users (id, name, seen_at) VALUES ('u1', 'Ada', 1), ('u2', 'Bob', 1), ('u3', 'Cy', 1);
INSERT INTO rooms (name, last_seq) VALUES ('lobby', 3), ('other', 1);
INSERT INTO messages (id, room, seq, user_id, user_name, text, ts, client_id) VALUES
  ('m1', 'lobby', 1, 'u1', 'Ada', 'running late', 10, 'c1'),
  ('m2', 'lobby', 2, 'u2', 'Bob', 'hello there', 20, NULL),
  ('m3', 'lobby', 3, 'u1', 'Ada', 'see you', 30, NULL),
  ('m4', 'other', 1, 'u3', 'Cy', 'elsewhere', 40, NULL);
INSERT INTO direct_messages (id, pair, from_id, from_name, to_id, to_name, text, ts, client_id) VALUES
  ('d1', 'u1|u2', 'u1', 'Ada', 'u2', 'Bob', 'first', 100, NULL),
  ('d2', 'u1|u2', 'u2', 'Bob', 'u1', 'Ada', 'second', 300, NULL),
  ('d3', 'u1|u3', 'u3', 'Cy', 'u1', 'Ada', 'from cy', 200, NULL);
`;

const ada = { id: "u1", name: "Ada" };

/**
 * A pool for the test's own queries. pool.end() can resolve while a
 * connection is still closing; the server's stop then ends it with an error
 * event that nothing else listens to.
 */
function quietPool(url: string): Pool {
  const pool = new Pool({ connectionString: url });
  pool.on("error", () => undefined);
  return pool;
}

/** An old database of `kind` with OLD_ROWS; returns how to open it with today's code and how to clean up. */
async function oldDatabase(
  kind: StoreKind,
): Promise<{ open(): Promise<MessageStore>; applied(): Promise<unknown>; stop(): Promise<void> }> {
  if (kind === "sqlite") {
    const file = tempFile("v2.db");
    const db = new Database(file);
    db.exec(SQLITE_V2 + OLD_ROWS);
    db.close();
    return {
      open: async () => openSqliteStore(file),
      async applied() {
        const check = new Database(file, { readonly: true });
        try {
          return check.pragma("user_version", { simple: true });
        } finally {
          check.close();
        }
      },
      stop: async () => undefined,
    };
  }
  const pg: PostgresServer = await startPostgres();
  const url = await pg.createDatabase("migration_v3");
  const pool = quietPool(url);
  await migrate(
    pool,
    MIGRATIONS.filter((m) => m.version <= 2),
  );
  await pool.query(OLD_ROWS);
  await pool.end();
  return {
    open: () => openPostgresStore(url),
    async applied() {
      const check = quietPool(url);
      try {
        return (await check.query("SELECT version FROM parlor_migrations ORDER BY version")).rows.map((r) => r.version);
      } finally {
        await check.end();
      }
    },
    stop: () => pg.stop(),
  };
}

describe.each(STORE_KINDS)("%s", (kind) => {
  test("an existing database opens: rev = seq, nothing renumbers, search and DMs carry on, new features work on old rows", async () => {
    const old = await oldDatabase(kind);
    try {
      const store = await old.open();
      try {
        const lobby = await store.recentMessages("lobby", 10);
        expect(lobby.items.map((m) => [m.id, m.seq, m.rev, m.text])).toEqual([
          ["m1", 1, 1, "running late"],
          ["m2", 2, 2, "hello there"],
          ["m3", 3, 3, "see you"],
        ]);
        expect(lobby.items[0]).toEqual({
          id: "m1",
          room: "lobby",
          seq: 1,
          user: ada,
          text: "running late",
          ts: 10,
          clientId: "c1",
          rev: 1,
        });
        expect(lobby.rev).toBe(3);
        expect(await store.roomState("other")).toEqual({ lastSeq: 1, rev: 1 });
        expect((await store.search("run", ["lobby"], 10)).map((r) => r.message.id)).toEqual(["m1"]);
        expect((await store.dmConversations("u1")).map((c) => [c.with, c.last.id])).toEqual([
          [{ id: "u2", name: "Bob" }, "d2"],
          [{ id: "u3", name: "Cy" }, "d3"],
        ]);

        // New on old: an edit, a reaction, a reply, a membership, a retry of an old clientId.
        await store.editMessage({ room: "lobby", seq: 1, userId: "u1", text: "walking late" });
        expect((await store.search("run", ["lobby"], 10)).map((r) => r.message.id)).toEqual([]);
        expect((await store.search("walk", ["lobby"], 10)).map((r) => r.message.id)).toEqual(["m1"]);
        await store.reactMessage({ room: "lobby", seq: 2, userId: "u3", emoji: "👋", on: true });
        const reply = await store.appendMessage({ room: "lobby", user: ada, text: "again", replyTo: 2 });
        expect(reply.message).toMatchObject({ seq: 4, rev: 6, replyTo: { seq: 2, user: { id: "u2", name: "Bob" }, text: "hello there" } });
        expect((await store.updatesSince("lobby", 3, 3)).updates.map((m) => [m.seq, m.rev])).toEqual([
          [1, 4],
          [2, 5],
        ]);
        expect(await store.startMembership({ id: "u2", name: "Bob" }, "lobby")).toEqual({ readSeq: 4, started: true });
        expect((await store.appendMessage({ room: "lobby", user: ada, text: "dup", clientId: "c1" })).created).toBe(false);
      } finally {
        await store.close();
      }
      // Opening again migrates nothing and keeps everything.
      const again = await old.open();
      try {
        expect((await again.recentMessages("lobby", 10)).items.map((m) => [m.seq, m.rev])).toEqual([
          [1, 4],
          [2, 5],
          [3, 3],
          [4, 6],
        ]);
      } finally {
        await again.close();
      }
      expect(await old.applied()).toEqual(kind === "sqlite" ? 3 : MIGRATIONS.map((m) => m.version));
    } finally {
      await old.stop();
    }
  }, 60_000);
});

test("sqlite: a schema version 1 file (old FTS options) migrates straight to 3 in one go", async () => {
  const file = tempFile("v1.db");
  const db = new Database(file);
  db.exec(
    SQLITE_V2.replace("tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3'", "tokenize = 'unicode61'").replace(
      "user_version = 2",
      "user_version = 0",
    ) + OLD_ROWS,
  );
  db.close();
  const store = openSqliteStore(file);
  try {
    expect((await store.search("run", ["lobby"], 10)).map((r) => r.message.id)).toEqual(["m1"]);
    await store.editMessage({ room: "lobby", seq: 2, userId: "u2", text: "goodbye now" });
    expect((await store.search("hel*", ["lobby"], 10)).map((r) => r.message.id)).toEqual([]);
    expect((await store.search("goodbye", ["lobby"], 10)).map((r) => [r.message.id, r.message.rev])).toEqual([["m2", 4]]);
  } finally {
    await store.close();
  }
});
