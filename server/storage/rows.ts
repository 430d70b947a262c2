/**
 * The rows both stores keep (same columns in SQLite and PostgreSQL) and their
 * mapping to protocol objects, with the id and paging helpers they share.
 */
import { randomBytes } from "node:crypto";
import type { DirectMessage, Message } from "../protocol";
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

export const toMessage = (r: MessageRow<number | string>): Message => ({
  id: r.id,
  room: r.room,
  seq: Number(r.seq),
  user: { id: r.user_id, name: r.user_name },
  text: r.text,
  ts: Number(r.ts),
  ...(r.client_id === null ? {} : { clientId: r.client_id }),
});

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
