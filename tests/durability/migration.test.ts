/**
 * A database file from before schema version 2 (FTS5 table without the
 * porter tokenizer and prefix index) is migrated on open: the index is
 * rebuilt from the messages, nothing is lost, and seq continues.
 */
import Database from "better-sqlite3";
import path from "node:path";
import { openSqliteStore } from "../../server/storage/sqlite";
import { tempDir } from "../helpers";

const V1_SCHEMA = `
CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL, seen_at INTEGER NOT NULL);
CREATE TABLE rooms (name TEXT PRIMARY KEY, last_seq INTEGER NOT NULL);
CREATE TABLE messages (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, room TEXT NOT NULL, seq INTEGER NOT NULL, user_id TEXT NOT NULL,
  user_name TEXT NOT NULL, text TEXT NOT NULL, ts INTEGER NOT NULL, client_id TEXT, UNIQUE (room, seq));
CREATE UNIQUE INDEX messages_client ON messages (room, user_id, client_id) WHERE client_id IS NOT NULL;
CREATE VIRTUAL TABLE messages_fts USING fts5 (text, content = 'messages', content_rowid = 'rowid', tokenize = 'unicode61');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text); END;
`;

test("an FTS index from schema version 1 is rebuilt with the new tokenizer; messages and seq carry on", async () => {
  const file = path.join(tempDir(), "old.db");
  const old = new Database(file);
  old.exec(V1_SCHEMA);
  old.exec(`INSERT INTO rooms VALUES ('lobby', 2);
    INSERT INTO messages (id, room, seq, user_id, user_name, text, ts) VALUES ('m1', 'lobby', 1, 'u1', 'Ada', 'running late', 1), ('m2', 'lobby', 2, 'u1', 'Ada', 'hello there', 2);`);
  old.close();

  const store = openSqliteStore(file);
  try {
    // "run" finds "running" only through the porter stemmer of the new index.
    expect((await store.search("run", ["lobby"], 10)).map((r) => r.message.id)).toEqual(["m1"]);
    expect((await store.search("hel*", ["lobby"], 10)).map((r) => r.message.id)).toEqual(["m2"]);
    const next = await store.appendMessage({ room: "lobby", user: { id: "u1", name: "Ada" }, text: "running again" });
    expect(next.message.seq).toBe(3);
    expect((await store.search("run", ["lobby"], 10)).map((r) => r.message.seq).sort()).toEqual([1, 3]);
  } finally {
    await store.close();
  }
  const reopened = new Database(file, { readonly: true });
  try {
    expect(reopened.pragma("user_version", { simple: true })).toBe(3);
  } finally {
    reopened.close();
  }
});
