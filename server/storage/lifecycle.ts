/**
 * The message-lifecycle rules both stores share (PROTOCOL.md v2, "Message
 * lifecycle"): the limits, the refusals with their codes, and how a
 * message's reaction summary changes. The summary is kept on the message row
 * (a JSON column) and changed incrementally under the room's write lock, so
 * reading a message never aggregates its reactions and a reaction costs the
 * same on a message with 10 reactions or 10,000.
 */
import { AppError } from "../errors";
import type { ErrorCode } from "../protocol";
import type { Reaction } from "./types";

/** Distinct emoji a message may carry. */
export const MAX_EMOJI = 20;
/** User ids listed per emoji (the count is exact). */
export const MAX_REACTION_USERS = 20;
/** Characters (code points: SQLite substr and PostgreSQL left both count them) of the original shown in a reply. */
export const REPLY_PREVIEW_CHARS = 140;

export interface RefusalReason {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** Why a lifecycle write is refused; the same words from either store. */
export const refusals = {
  replyNotFound: { code: "NOT_FOUND", message: "replyTo is not a message of this room", details: { field: "replyTo" } },
  messageNotFound: { code: "NOT_FOUND", message: "no such message in this room" },
  notAuthor: { code: "FORBIDDEN", message: "only the author may edit a message" },
  notAuthorOrModerator: { code: "FORBIDDEN", message: "only the author or a moderator may delete a message" },
  tooManyEmoji: { code: "BAD_REQUEST", message: `a message has at most ${MAX_EMOJI} distinct emoji`, details: { field: "emoji" } },
  notMember: { code: "FORBIDDEN", message: "not a member of this room" },
} satisfies Record<string, RefusalReason>;

export const appError = (r: RefusalReason) => new AppError(r.code, r.message, r.details);

/** The stored summary (NULL when there are none) as a list. */
export const parseReactions = (json: string | null | undefined): Reaction[] => (json ? (JSON.parse(json) as Reaction[]) : []);
/** The list as stored: NULL when empty, so `reactions` is left out of the message. */
export const storeReactions = (list: Reaction[]): string | null => (list.length === 0 ? null : JSON.stringify(list));

/** Whether adding `emoji` would exceed MAX_EMOJI (an emoji already there never does). */
export const wouldExceedEmoji = (list: Reaction[], emoji: string) => list.length >= MAX_EMOJI && !list.some((r) => r.emoji === emoji);

/** The summary after `userId` newly reacted with `emoji` (a new emoji goes last: order of first use). */
export function addReaction(list: Reaction[], emoji: string, userId: string): Reaction[] {
  const found = list.find((r) => r.emoji === emoji);
  if (!found) return [...list, { emoji, count: 1, users: [userId] }];
  return list.map((r) =>
    r === found ? { emoji, count: r.count + 1, users: r.users.length < MAX_REACTION_USERS ? [...r.users, userId] : r.users } : r,
  );
}

/**
 * The summary after `userId` took back `emoji`. When the listed users fall
 * short of the count (a listed user left and others are beyond the first
 * 20), `refill` names the emoji whose first users must be read again.
 */
export function removeReaction(list: Reaction[], emoji: string, userId: string): { reactions: Reaction[]; refill?: string } {
  const found = list.find((r) => r.emoji === emoji);
  if (!found) return { reactions: list };
  if (found.count <= 1) return { reactions: list.filter((r) => r !== found) };
  const users = found.users.filter((u) => u !== userId);
  const next = { emoji, count: found.count - 1, users };
  const reactions = list.map((r) => (r === found ? next : r));
  return users.length < Math.min(next.count, MAX_REACTION_USERS) ? { reactions, refill: emoji } : { reactions };
}

/** Replaces the listed users of `emoji` (after a refill). */
export const withUsers = (list: Reaction[], emoji: string, users: string[]): Reaction[] =>
  list.map((r) => (r.emoji === emoji ? { ...r, users: users.slice(0, MAX_REACTION_USERS) } : r));
