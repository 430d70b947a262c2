/**
 * The message store: everything Parlor persists, behind one async interface so
 * SQLite (default) and other backends are interchangeable.
 */
import type { DirectMessage, Message, SearchResult, User } from "../protocol";
import type { ModerationStore } from "./moderation-types";
import type { RoundStore } from "./rounds";

export interface Page<T> {
  /** Oldest first. */
  items: T[];
  /** More items exist beyond this page, in the direction of the query. */
  hasMore: boolean;
}

export interface NewMessage {
  room: string;
  user: User;
  text: string;
  clientId?: string;
  /** The seq of a live message of the same room this one answers (else NOT_FOUND). */
  replyTo?: number;
}

/** One emoji on a message: exact count, the first 20 user ids. */
export type Reaction = NonNullable<Message["reactions"]>[number];

/**
 * A page of a room's messages and the room's `rev` read in the same snapshot
 * (SQLite) or before the messages (PostgreSQL): a change made meanwhile is
 * at worst sent again by a later catch-up, never missed. When a join makes
 * two reads (messagesSince and updatesSince), give the client the smaller rev.
 */
export interface RoomPage extends Page<Message> {
  rev: number;
}

export interface RoomState {
  lastSeq: number;
  /** The room's change counter: bumped by every new message, edit, deletion and reaction change. */
  rev: number;
}

export interface EditInput {
  room: string;
  seq: number;
  userId: string;
  text: string;
}

export interface DeleteInput {
  room: string;
  seq: number;
  userId: string;
  /** The caller may moderate the room (decided by the handler under the Moderation rules). */
  asModerator: boolean;
}

export interface Deleted {
  room: string;
  seq: number;
  rev: number;
  /** Who wrote the message (the target, when a moderator deleted it). */
  author: User;
}

export interface ReactInput {
  room: string;
  seq: number;
  userId: string;
  emoji: string;
  on: boolean;
}

export interface Reacted {
  room: string;
  seq: number;
  /** The message's rev: new when `changed`, else its last change. */
  rev: number;
  reactions: Reaction[];
  /** False when the reaction was already so (nothing stored, no rev bump: broadcast nothing). */
  changed: boolean;
}

export interface Updates {
  /** Oldest change first. */
  updates: Message[];
  hasMoreUpdates: boolean;
  rev: number;
}

export interface Membership {
  readSeq: number;
  /** False when the membership already existed (its cursor is kept). */
  started: boolean;
}

export interface MyRoom {
  room: string;
  lastSeq: number;
  readSeq: number;
  /** Messages after readSeq that are not the user's own and not deleted. */
  unread: number;
}

export interface Receipt {
  user: User;
  readSeq: number;
}

export interface Conversation {
  with: User;
  last: DirectMessage;
}

export interface NewDirectMessage {
  from: User;
  to: User;
  text: string;
  clientId?: string;
}

export interface Stored<T> {
  message: T;
  /** False when `clientId` matched an earlier message, which is returned instead. */
  created: boolean;
}

export interface MessageStore extends ModerationStore {
  /**
   * Durably stores a room message with the room's next `seq` (resolves after
   * commit). A clientId retry of a stored message returns it; otherwise a
   * mute in force answers FORBIDDEN and slow mode RATE_LIMITED (moderation.ts).
   */
  appendMessage(input: NewMessage): Promise<Stored<Message>>;
  /** The last `limit` messages of a room; `hasMore` when older ones exist. */
  recentMessages(room: string, limit: number): Promise<RoomPage>;
  /** Messages with `seq > sinceSeq`, the first `limit`; `hasMore` when later ones exist. */
  messagesSince(room: string, sinceSeq: number, limit: number): Promise<RoomPage>;
  /** The `limit` messages just before `beforeSeq` (or the newest); `hasMore` when older ones exist. */
  messagesBefore(room: string, beforeSeq: number | undefined, limit: number): Promise<Page<Message>>;
  /** Full-text search over the given rooms, best match first. Throws BAD_REQUEST for an unparsable query. */
  search(query: string, rooms: string[], limit: number): Promise<SearchResult[]>;
  /** Durably stores a direct message (resolves after commit). */
  appendDirectMessage(input: NewDirectMessage): Promise<Stored<DirectMessage>>;
  /** Direct messages between two users with `ts < before` (or the newest), oldest first. */
  directHistory(a: string, b: string, before: number | undefined, limit: number): Promise<Page<DirectMessage>>;
  /**
   * Replaces the text of a live message (author only: FORBIDDEN; deleted or
   * missing: NOT_FOUND), sets editedAt and a new rev; the search index
   * changes in the same transaction.
   */
  editMessage(input: EditInput): Promise<Message>;
  /**
   * Makes a live message a tombstone (text "", no reactions, search never
   * finds it; its seq stays). Author or `asModerator` (FORBIDDEN); deleted or
   * missing: NOT_FOUND.
   */
  deleteMessage(input: DeleteInput): Promise<Deleted>;
  /**
   * Adds or takes back one user's emoji on a live message (NOT_FOUND).
   * Idempotent per (user, emoji); a new emoji beyond MAX_EMOJI: BAD_REQUEST.
   */
  reactMessage(input: ReactInput): Promise<Reacted>;
  /** Messages with `seq <= sinceSeq` edited, deleted or reacted to after `sinceRev`, in their current form, oldest change first (default limit 500). */
  updatesSince(room: string, sinceSeq: number, sinceRev: number, limit?: number): Promise<Updates>;
  /** The room's last seq and rev (0 and 0 for a room without messages). */
  roomState(room: string): Promise<RoomState>;
  /**
   * Starts the user's lasting membership of a room, with the read cursor at
   * the room's last seq; an existing membership is kept as it is. Call it
   * before the socket joins the room: the sender's cursor moves with each
   * message it sends only once the membership exists.
   */
  startMembership(user: User, room: string): Promise<Membership>;
  /** Ends it (and forgets the cursor); false when there was none. */
  endMembership(userId: string, room: string): Promise<boolean>;
  /** Moves the cursor forward to `seq` (never back; at most the room's last seq). FORBIDDEN without a membership. */
  markRead(userId: string, room: string, seq: number): Promise<number>;
  /** The user's rooms by name, with their unread counts. */
  myRooms(userId: string): Promise<MyRoom[]>;
  /** The read cursors of those of `userIds` who are members, in the order given. */
  receipts(room: string, userIds: string[]): Promise<Receipt[]>;
  /** The user's DM conversations, most recent first (all of them, or the first `limit`). */
  dmConversations(userId: string, limit?: number): Promise<Conversation[]>;
  /** Remembers a user (DMs need to know ids the server has seen), with the global roles of their latest token when given. */
  saveUser(user: User, roles?: readonly string[]): Promise<void>;
  getUser(id: string): Promise<User | undefined>;
  /**
   * Whether the store can still keep what it acknowledges: false after a
   * failed commit, or when the database file is no longer the one opened.
   * `/healthz` answers 503 while it is false.
   */
  health(): StoreHealth;
  close(): Promise<void>;
  /** Recorded game rounds (replays), when the store keeps them: SQLite and PostgreSQL do. */
  rounds?: RoundStore;
}

export interface StoreHealth {
  ok: boolean;
  /** Why not, for logs and `/healthz` (never a stack trace). */
  reason?: string;
}
