/**
 * Shared pieces of the Parlor wire contract (see PROTOCOL.md): the ack shape,
 * the closed set of error codes and the field schemas every namespace uses.
 * The entities (User, Message, …) are zod models in models.ts.
 * Imported by the server, by `client/` and by the tests.
 */
import { z } from "zod";
import type { AckError } from "./models";

/** Every error code a client can see in `{ ok: false, error: { code } }`. */
export const ERROR_CODES = [
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "PAYLOAD_TOO_LARGE",
  "UNKNOWN_EVENT",
  "INTERNAL",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** What the server passes to an ack callback, exactly once. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };

/** The callback a client passes as the last argument of an ack event. */
export type AckCallback<T> = (response: Ack<T>) => void;

/** Room names: lower-case, digits, `_` and `-`, 1–64 characters, starting with a letter or digit. */
export const RoomName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "room must match ^[a-z0-9][a-z0-9_-]{0,63}$");

/**
 * A UTF-16 code unit of a surrogate pair standing alone. With the `u` flag a
 * class of surrogates matches only unpaired ones (a pair is one code point).
 * JSON carries them, UTF-8 cannot: SQLite stores U+FFFD instead, so the text
 * read back would differ from the text acknowledged.
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Characters that make two names look the same or reorder what is around
 * them: bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069),
 * the marks U+200E/U+200F/U+061C, zero-width characters (U+200B–200D,
 * U+2060, U+FEFF) and tag characters (U+E0000–E007F).
 */
const INVISIBLE_OR_BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\u200B-\u200D\u2060\uFEFF\u{E0000}-\u{E007F}]/u;

/** Most characters in a message's text (after trimming); `session:welcome` tells clients. */
export const MESSAGE_MAX = 2000;

/** Message text: 1–2000 characters after trimming, well-formed UTF-16 (no lone surrogate). */
export const MessageText = z
  .string()
  .max(20_000, "text is too long")
  .refine((s) => !LONE_SURROGATE.test(s), "text has a lone surrogate (not valid Unicode)")
  .transform((s) => s.trim())
  .pipe(z.string().min(1, "text is empty").max(MESSAGE_MAX, `text is longer than ${MESSAGE_MAX} characters`));

/** A client-chosen idempotency key for safe retries. */
export const ClientId = z.string().min(1).max(64);

/** User display name: 1–32 characters after trimming, no control, bidi, zero-width or tag characters, no lone surrogate. */
export const UserName = z
  .string()
  .max(256, "name is too long")
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, "name is empty")
      .max(32, "name is longer than 32 characters")
      .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, "name has control characters")
      .refine((s) => !LONE_SURROGATE.test(s), "name has a lone surrogate (not valid Unicode)")
      .refine((s) => !INVISIBLE_OR_BIDI.test(s), "name has invisible or direction-changing characters (bidi, zero-width or tag)"),
  );

/** Payload of events that take none: nothing, or an empty object. */
export const Empty = z.union([z.undefined(), z.strictObject({})]);
