/**
 * SQLite schema, created on start (idempotent), and the one migration it has
 * needed so far (the full-text index options).
 */
import type { Database } from "better-sqlite3";

/**
 * The full-text index over message text.
 * - `porter unicode61 remove_diacritics 2`: "running" finds "run", "cafe" finds "café".
 * - `prefix='2 3'`: extra index entries for 2- and 3-character prefixes, so
 *   `he*` / `hel*` are index range lookups instead of scans of the term list.
 * - External content (`content='messages'`): the text is stored once, in `messages`.
 */
const FTS_TABLE = `CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5 (
  text, content = 'messages', content_rowid = 'rowid',
  tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3'
)`;

/** Bumped when the schema changes in a way `CREATE ... IF NOT EXISTS` cannot express. */
export const SCHEMA_VERSION = 2;

export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  seen_at INTEGER NOT NULL
);
-- One row per room: last_seq is the room's counter, bumped in the same
-- transaction as the insert, so seq is gap-free and never reused.
CREATE TABLE IF NOT EXISTS rooms (
  name TEXT PRIMARY KEY,
  last_seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  room TEXT NOT NULL,
  seq INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  user_name TEXT NOT NULL,
  text TEXT NOT NULL,
  ts INTEGER NOT NULL,
  client_id TEXT,
  UNIQUE (room, seq)
);
-- Safe retries: one message per (room, user, clientId), enforced by the database.
CREATE UNIQUE INDEX IF NOT EXISTS messages_client ON messages (room, user_id, client_id) WHERE client_id IS NOT NULL;
${FTS_TABLE};
CREATE TRIGGER IF NOT EXISTS messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TABLE IF NOT EXISTS direct_messages (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  pair TEXT NOT NULL,
  from_id TEXT NOT NULL,
  from_name TEXT NOT NULL,
  to_id TEXT NOT NULL,
  to_name TEXT NOT NULL,
  text TEXT NOT NULL,
  ts INTEGER NOT NULL,
  client_id TEXT
);
CREATE INDEX IF NOT EXISTS direct_messages_pair ON direct_messages (pair, ts);
CREATE UNIQUE INDEX IF NOT EXISTS direct_messages_client ON direct_messages (from_id, to_id, client_id) WHERE client_id IS NOT NULL;
`;

/**
 * Creates the schema and migrates an older file: databases from before
 * version 2 have an FTS table without the tokenizer/prefix options, which
 * only a drop and a rebuild from `messages` can change.
 */
export function migrateSqlite(db: Database): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version >= SCHEMA_VERSION) {
    db.exec(SQLITE_SCHEMA);
    return;
  }
  db.transaction(() => {
    const fts = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'messages_fts'").get();
    if (fts && !fts.sql.includes("prefix")) db.exec("DROP TABLE messages_fts");
    db.exec(SQLITE_SCHEMA);
    if (fts && !fts.sql.includes("prefix")) db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')");
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
