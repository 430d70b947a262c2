/** SQLite schema, created on start (idempotent). */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  seen_at INTEGER NOT NULL
);
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
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5 (text, content = 'messages', content_rowid = 'rowid', tokenize = 'unicode61');
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
