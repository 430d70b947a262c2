/**
 * SQLite schema, created on start (idempotent), and its migrations: the
 * full-text index options (version 2), the message lifecycle and read state
 * (version 3: rev, edits, tombstones, reactions, replies, memberships with
 * read cursors, DM conversations).
 */
import type { Database } from "better-sqlite3";
import { REPLY_PREVIEW_CHARS } from "./lifecycle";
import { migrateModeration } from "./sqlite-moderation";
import { migrateRounds } from "./sqlite-rounds";

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

/** What version 3 added to `messages` (changed = 1 once edited, deleted or reacted to). */
const LIFECYCLE_COLUMNS = [
  "rev INTEGER NOT NULL DEFAULT 0",
  "edited_at INTEGER",
  "deleted INTEGER NOT NULL DEFAULT 0",
  "changed INTEGER NOT NULL DEFAULT 0",
  "reply_to INTEGER",
  "reactions TEXT",
];

/** Bumped when the schema changes in a way `CREATE ... IF NOT EXISTS` cannot express. */
export const SCHEMA_VERSION = 3;

export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  seen_at INTEGER NOT NULL
);
-- One row per room: last_seq is the room's counter, bumped in the same
-- transaction as the insert, so seq is gap-free and never reused.
-- last_rev is its change counter: bumped by every new message, edit,
-- deletion and reaction change, in the same transaction.
CREATE TABLE IF NOT EXISTS rooms (
  name TEXT PRIMARY KEY,
  last_seq INTEGER NOT NULL,
  last_rev INTEGER NOT NULL DEFAULT 0
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
  ${LIFECYCLE_COLUMNS.join(",\n  ")},
  UNIQUE (room, seq)
);
-- Safe retries: one message per (room, user, clientId), enforced by the database.
CREATE UNIQUE INDEX IF NOT EXISTS messages_client ON messages (room, user_id, client_id) WHERE client_id IS NOT NULL;
-- Catch-up reads messages changed after a rev; partial, so an insert (never
-- changed yet) costs no extra index entry.
CREATE INDEX IF NOT EXISTS messages_changed ON messages (room, rev) WHERE changed = 1;
-- Unread counts subtract the deleted messages after a cursor (few: deletions are rare).
CREATE INDEX IF NOT EXISTS messages_deleted ON messages (room, seq) WHERE deleted = 1;
${FTS_TABLE};
-- The writer keeps the index itself, in the transaction of each insert, edit
-- and deletion (sqlite-fts-index.ts); files from before had triggers.
DROP TRIGGER IF EXISTS messages_fts_insert;
DROP TRIGGER IF EXISTS messages_fts_update;
-- One row per (message, emoji, user): what makes a reaction idempotent and
-- its count exact. ord is the room rev that added it (first users by ord).
CREATE TABLE IF NOT EXISTS reactions (
  room TEXT NOT NULL,
  seq INTEGER NOT NULL,
  emoji TEXT NOT NULL,
  user_id TEXT NOT NULL,
  ord INTEGER NOT NULL,
  PRIMARY KEY (room, seq, emoji, user_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS reactions_order ON reactions (room, seq, emoji, ord);
-- Lasting room membership and its read cursor.
CREATE TABLE IF NOT EXISTS memberships (
  user_id TEXT NOT NULL,
  room TEXT NOT NULL,
  user_name TEXT NOT NULL,
  read_seq INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, room)
) WITHOUT ROWID;
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
-- Each user's DM conversations and their last message, kept with every DM
-- (one row per side), so listing them never scans the messages.
CREATE TABLE IF NOT EXISTS dm_conversations (
  user_id TEXT NOT NULL,
  other_id TEXT NOT NULL,
  last_id TEXT NOT NULL,
  last_ts INTEGER NOT NULL,
  PRIMARY KEY (user_id, other_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dm_conversations_recent ON dm_conversations (user_id, last_ts);
`;

/**
 * A message row with the original it replies to (read at read time: a reply
 * shows the original's current text, or that it is deleted).
 */
export const MESSAGE_SELECT = `SELECT m.*, o.user_id AS reply_user_id, o.user_name AS reply_user_name,
  substr(o.text, 1, ${REPLY_PREVIEW_CHARS}) AS reply_text, o.deleted AS reply_deleted
  FROM messages m LEFT JOIN messages o ON o.room = m.room AND o.seq = m.reply_to`;

/** The latest DM of every (user, other) pair, both sides: fills dm_conversations from existing messages. */
const BACKFILL_CONVERSATIONS = `INSERT OR REPLACE INTO dm_conversations (user_id, other_id, last_id, last_ts)
SELECT user_id, other_id, id, ts FROM (
  SELECT user_id, other_id, id, ts, row_number() OVER (PARTITION BY user_id, other_id ORDER BY ts DESC, rowid DESC) AS n FROM (
    SELECT from_id AS user_id, to_id AS other_id, id, ts, rowid FROM direct_messages
    UNION ALL SELECT to_id, from_id, id, ts, rowid FROM direct_messages WHERE to_id <> from_id
  )
) WHERE n = 1`;

/**
 * Version 3 adds columns to tables a version 2 file already has (CREATE IF
 * NOT EXISTS cannot): existing messages get rev = seq and each room
 * last_rev = last_seq, so every rev is below the next change's and nothing
 * renumbers.
 */
function addLifecycleColumns(db: Database): void {
  const columns = (table: string) =>
    new Set(
      db
        .prepare<[], { name: string }>(`PRAGMA table_info(${table})`)
        .all()
        .map((c) => c.name),
    );
  const messages = columns("messages");
  if (messages.size > 0 && !messages.has("rev")) {
    for (const column of LIFECYCLE_COLUMNS) db.exec(`ALTER TABLE messages ADD COLUMN ${column}`);
    // Touches rev only: an old file's full-text trigger fires on text updates.
    db.exec("UPDATE messages SET rev = seq");
  }
  const rooms = columns("rooms");
  if (rooms.size > 0 && !rooms.has("last_rev")) {
    db.exec("ALTER TABLE rooms ADD COLUMN last_rev INTEGER NOT NULL DEFAULT 0");
    db.exec("UPDATE rooms SET last_rev = last_seq");
  }
}

/**
 * Creates the schema and migrates an older file, in one transaction:
 * databases from before version 2 have an FTS table without the
 * tokenizer/prefix options, which only a drop and a rebuild from `messages`
 * can change; version 3 adds the lifecycle columns (addLifecycleColumns) and
 * fills dm_conversations from the stored DMs.
 */
export function migrateSqlite(db: Database): void {
  migrateRounds(db);
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version >= SCHEMA_VERSION) {
    db.exec(SQLITE_SCHEMA);
    db.transaction(() => migrateModeration(db)).immediate();
    return;
  }
  db.transaction(() => {
    const fts = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'messages_fts'").get();
    if (fts && !fts.sql.includes("prefix")) db.exec("DROP TABLE messages_fts");
    // Before the schema: its indexes name the new columns.
    addLifecycleColumns(db);
    db.exec(SQLITE_SCHEMA);
    migrateModeration(db);
    if (fts && !fts.sql.includes("prefix")) db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')");
    if (version < 3) db.exec(BACKFILL_CONVERSATIONS);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
