/**
 * PostgreSQL migrations, applied in order on start. Each runs once, in its
 * own transaction, recorded in `parlor_migrations`; an advisory lock makes
 * nodes that start together take turns instead of racing. Append new
 * migrations; never edit an applied one.
 */
import type { Pool } from "pg";
import { PG_MODERATION_SQL } from "./postgres-moderation";
import { PG_ROUNDS_SQL } from "./postgres-rounds";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: "messages, rooms, users, direct messages, full-text search",
    sql: `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  seen_at BIGINT NOT NULL
);
-- One row per room holding its last seq: the row lock taken by the upsert
-- serialises appends to one room across every node, which keeps seq gap-free.
CREATE TABLE rooms (
  name TEXT PRIMARY KEY,
  last_seq BIGINT NOT NULL
);
CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  room TEXT NOT NULL,
  seq BIGINT NOT NULL,
  user_id TEXT NOT NULL,
  user_name TEXT NOT NULL,
  text TEXT NOT NULL,
  ts BIGINT NOT NULL,
  client_id TEXT,
  search TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED,
  UNIQUE (room, seq)
);
-- Safe retries: one message per (room, user, clientId), enforced by the database.
CREATE UNIQUE INDEX messages_client ON messages (room, user_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX messages_search ON messages USING GIN (search);
CREATE TABLE direct_messages (
  serial BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  pair TEXT NOT NULL,
  from_id TEXT NOT NULL,
  from_name TEXT NOT NULL,
  to_id TEXT NOT NULL,
  to_name TEXT NOT NULL,
  text TEXT NOT NULL,
  ts BIGINT NOT NULL,
  client_id TEXT
);
CREATE INDEX direct_messages_pair ON direct_messages (pair, ts, serial);
CREATE UNIQUE INDEX direct_messages_client ON direct_messages (from_id, to_id, client_id) WHERE client_id IS NOT NULL;
`,
  },
  {
    version: 2,
    name: "search like the SQLite store: English stemming, accents folded, no stop words",
    // The SQLite index tokenizes with 'porter unicode61 remove_diacritics 2':
    // "running" finds "run", "cafe" finds "café", and every word counts. The
    // snowball dictionary without a StopWords file stems the same way and
    // keeps "the"; unaccent before it folds accents (a trusted extension, so
    // the database owner may create it).
    sql: `
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH DICTIONARY parlor_stem (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION parlor (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION parlor
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, parlor_stem;
ALTER TABLE messages DROP COLUMN search;
ALTER TABLE messages ADD COLUMN search TSVECTOR GENERATED ALWAYS AS (to_tsvector('parlor'::regconfig, text)) STORED;
CREATE INDEX messages_search ON messages USING GIN (search);
`,
  },
  {
    version: 3,
    name: "message lifecycle (rev, edits, tombstones, reactions, replies), memberships with read cursors, DM conversations",
    // Like SQLite's version 3 (sqlite-schema.ts): existing messages get
    // rev = seq and rooms last_rev = last_seq, so nothing renumbers. The
    // search column is generated from text, so an edit or a deletion updates
    // it in the same transaction. UPDATE rewrites every message row once
    // (a big archive migrates in minutes, inside this migration's transaction).
    sql: `
ALTER TABLE rooms ADD COLUMN last_rev BIGINT NOT NULL DEFAULT 0;
UPDATE rooms SET last_rev = last_seq;
ALTER TABLE messages
  ADD COLUMN rev BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN edited_at BIGINT,
  ADD COLUMN deleted BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN changed BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN reply_to BIGINT,
  ADD COLUMN reactions TEXT;
UPDATE messages SET rev = seq;
CREATE INDEX messages_changed ON messages (room, rev) WHERE changed;
CREATE INDEX messages_deleted ON messages (room, seq) WHERE deleted;
CREATE TABLE reactions (
  room TEXT NOT NULL,
  seq BIGINT NOT NULL,
  emoji TEXT NOT NULL,
  user_id TEXT NOT NULL,
  ord BIGINT NOT NULL,
  PRIMARY KEY (room, seq, emoji, user_id)
);
CREATE INDEX reactions_order ON reactions (room, seq, emoji, ord);
CREATE TABLE memberships (
  user_id TEXT NOT NULL,
  room TEXT NOT NULL,
  user_name TEXT NOT NULL,
  read_seq BIGINT NOT NULL,
  started_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, room)
);
CREATE TABLE dm_conversations (
  user_id TEXT NOT NULL,
  other_id TEXT NOT NULL,
  last_id TEXT NOT NULL,
  last_ts BIGINT NOT NULL,
  PRIMARY KEY (user_id, other_id)
);
CREATE INDEX dm_conversations_recent ON dm_conversations (user_id, last_ts);
INSERT INTO dm_conversations (user_id, other_id, last_id, last_ts)
SELECT DISTINCT ON (user_id, other_id) user_id, other_id, id, ts FROM (
  SELECT from_id AS user_id, to_id AS other_id, id, ts, serial FROM direct_messages
  UNION ALL SELECT to_id, from_id, id, ts, serial FROM direct_messages WHERE to_id <> from_id
) sides ORDER BY user_id, other_id, ts DESC, serial DESC;
`,
  },
  { version: 4, name: "game rounds (recorded Orbs rounds for replays)", sql: PG_ROUNDS_SQL },
  {
    version: 5,
    name: "rooms v2 and moderation: owners, room moderators, topic, slow mode, mutes and bans, audit log, users' roles",
    sql: PG_MODERATION_SQL,
  },
];

/** Any fixed number: the advisory lock key that serialises migrations across nodes. */
const MIGRATION_LOCK = 0x7061726c; // "parl"

/**
 * Applies the migrations not yet recorded; returns the versions applied now.
 *
 * @example
 * await migrate(pool); // [1] on a fresh database, [] afterwards
 */
export async function migrate(pool: Pool, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  const db = await pool.connect();
  const applied: number[] = [];
  try {
    await db.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await db.query(
      "CREATE TABLE IF NOT EXISTS parlor_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    );
    const done = new Set((await db.query<{ version: number }>("SELECT version FROM parlor_migrations")).rows.map((r) => r.version));
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await db.query("BEGIN");
      try {
        await db.query(m.sql);
        await db.query("INSERT INTO parlor_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
        await db.query("COMMIT");
      } catch (err) {
        await db.query("ROLLBACK");
        throw new Error(`migration ${m.version} (${m.name}) failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      applied.push(m.version);
    }
  } finally {
    await db.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    db.release();
  }
  return applied;
}
