/**
 * The message store: everything Parlor persists, behind one async interface so
 * SQLite (default) and other backends are interchangeable.
 */
import type { DirectMessage, Message, SearchResult, User } from "../protocol";

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

export interface MessageStore {
  /** Durably stores a room message with the room's next `seq` (resolves after commit). */
  appendMessage(input: NewMessage): Promise<Stored<Message>>;
  /** The last `limit` messages of a room; `hasMore` when older ones exist. */
  recentMessages(room: string, limit: number): Promise<Page<Message>>;
  /** Messages with `seq > sinceSeq`, the first `limit`; `hasMore` when later ones exist. */
  messagesSince(room: string, sinceSeq: number, limit: number): Promise<Page<Message>>;
  /** The `limit` messages just before `beforeSeq` (or the newest); `hasMore` when older ones exist. */
  messagesBefore(room: string, beforeSeq: number | undefined, limit: number): Promise<Page<Message>>;
  /** Full-text search over the given rooms, best match first. Throws BAD_REQUEST for an unparsable query. */
  search(query: string, rooms: string[], limit: number): Promise<SearchResult[]>;
  /** Durably stores a direct message (resolves after commit). */
  appendDirectMessage(input: NewDirectMessage): Promise<Stored<DirectMessage>>;
  /** Direct messages between two users with `ts < before` (or the newest), oldest first. */
  directHistory(a: string, b: string, before: number | undefined, limit: number): Promise<Page<DirectMessage>>;
  /** Remembers a user (DMs need to know ids the server has seen). */
  saveUser(user: User): Promise<void>;
  getUser(id: string): Promise<User | undefined>;
  /**
   * Whether the store can still keep what it acknowledges: false after a
   * failed commit, or when the database file is no longer the one opened.
   * `/healthz` answers 503 while it is false.
   */
  health(): StoreHealth;
  close(): Promise<void>;
}

export interface StoreHealth {
  ok: boolean;
  /** Why not, for logs and `/healthz` (never a stack trace). */
  reason?: string;
}
