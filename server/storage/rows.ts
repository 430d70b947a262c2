/**
 * The rows both stores keep (same columns in SQLite and PostgreSQL) and their
 * mapping to protocol objects, with the id and paging helpers they share.
 */
import { randomBytes } from "node:crypto";
import type { DirectMessage, Message } from "../protocol";
import { parseReactions } from "./lifecycle";
import type { Page } from "./types";

/**
 * A `messages` row. `N` is how integer columns arrive: numbers from SQLite,
 * strings from PostgreSQL BIGINT (pg does not guess at precision; seq and ms
 * timestamps fit a double).
 */
export interface MessageRow<N extends number | string = number> {
  id: string;
  room: string;
  seq: N;
  user_id: string;
  user_name: string;
  text: string;
  ts: N;
  client_id: string | null;
  /** The room's rev at the message's last change. */
  rev: N;
  edited_at: N | null;
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  deleted: number | boolean;
  /** The reaction summary as JSON (lifecycle.ts), NULL when there are none. */
  reactions: string | null;
  reply_to: N | null;
}

/** A message row with the original it replies to, joined at read time (so a reply shows the original's current text). */
export interface MessageReadRow<N extends number | string = number> extends MessageRow<N> {
  reply_user_id: string | null;
  reply_user_name: string | null;
  /** Already cut to REPLY_PREVIEW_CHARS by the query. */
  reply_text: string | null;
  reply_deleted: number | boolean | null;
}

/** A `direct_messages` row (see MessageRow for `N`). */
export interface DirectRow<N extends number | string = number> {
  id: string;
  from_id: string;
  from_name: string;
  to_id: string;
  to_name: string;
  text: string;
  ts: N;
  client_id: string | null;
}

/**
 * A stored message as clients see it: a deleted one is a tombstone
 * `{ id, room, seq, user, text: "", ts, rev, deleted: true }` whatever else
 * its row still holds.
 */
export function toMessage(r: MessageReadRow<number | string>): Message {
  const head = { id: r.id, room: r.room, seq: Number(r.seq), user: { id: r.user_id, name: r.user_name } };
  if (r.deleted) return { ...head, text: "", ts: Number(r.ts), rev: Number(r.rev), deleted: true };
  const replyDeleted = r.reply_deleted || r.reply_user_id === null;
  return {
    ...head,
    text: r.text,
    ts: Number(r.ts),
    ...(r.client_id === null ? {} : { clientId: r.client_id }),
    rev: Number(r.rev),
    ...(r.edited_at === null ? {} : { editedAt: Number(r.edited_at) }),
    ...(r.reactions === null ? {} : { reactions: parseReactions(r.reactions) }),
    ...(r.reply_to === null
      ? {}
      : {
          replyTo: {
            seq: Number(r.reply_to),
            user: { id: r.reply_user_id ?? "", name: r.reply_user_name ?? "" },
            ...(replyDeleted ? { text: "", deleted: true as const } : { text: r.reply_text ?? "" }),
          },
        }),
  };
}

export const toDirect = (r: DirectRow<number | string>): DirectMessage => ({
  id: r.id,
  from: { id: r.from_id, name: r.from_name },
  to: { id: r.to_id, name: r.to_name },
  text: r.text,
  ts: Number(r.ts),
  ...(r.client_id === null ? {} : { clientId: r.client_id }),
});

/**
 * A message id: milliseconds (base 36, fixed width) then 64 random bits. Ids
 * grow with time, so the unique index on id is appended to rather than
 * written at random places (a random UUID cost ~25% of an insert).
 */
export const newId = (prefix: string) => `${prefix}_${Date.now().toString(36).padStart(9, "0")}${randomBytes(8).toString("hex")}`;

/** The key of a DM conversation: the two ids in a fixed order. */
export const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** Rows fetched newest-first with one extra row: page of `limit`, oldest first, and whether more exist. */
export function pageFromNewest<R, T>(rows: R[], limit: number, map: (r: R) => T): Page<T> {
  return { items: rows.slice(0, limit).reverse().map(map), hasMore: rows.length > limit };
}
