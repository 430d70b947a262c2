/**
 * Types derived from the server's event maps, so that a change of the wire
 * contract (server/protocol) breaks the SDK's compile instead of its users.
 */
import type {
  AckCallback,
  ChatClientToServerEvents,
  ChatServerToClientEvents,
  DirectMessage,
  Message,
  ModAction,
  RoomInfo,
  User,
} from "../../server/protocol";
import type { ManagerOptions, SocketOptions } from "socket.io-client";
import type { ParlorError } from "./errors";
import type { TokenSource } from "./token-keeper";

type ChatEvents = ChatClientToServerEvents;
/** The payload of `/chat` server event `E`. */
type ServerPayload<E extends keyof ChatServerToClientEvents> = Parameters<ChatServerToClientEvents[E]>[0];

/** `/chat` events that take an ack callback. */
export type ChatAckEvent = {
  [E in keyof ChatEvents]: Parameters<ChatEvents[E]> extends [unknown, AckCallback<any>] ? E : never;
}[keyof ChatEvents];

/** The payload a client sends with `/chat` event `E`. */
export type ChatPayload<E extends keyof ChatEvents> = Parameters<ChatEvents[E]>[0];

/** The `data` of a successful ack of `/chat` event `E`. */
export type ChatAckData<E extends ChatAckEvent> = Parameters<ChatEvents[E]>[1] extends AckCallback<infer T> ? T : never;

export interface ParlorClientOptions {
  /** Server base URL, e.g. `http://localhost:3000`. */
  url: string;
  /** How long to wait for each ack (ms, default 5000). */
  ackTimeoutMs?: number;
  /** Attempts for `send`/`dm` before giving up (default 5), all with the same clientId. */
  sendAttempts?: number;
  /** How long a gap in `seq` may last before the client fetches what is missing (ms, default 1000). */
  gapCheckMs?: number;
  /** Socket.IO transports (default websocket, then polling). */
  transports?: ("websocket" | "polling")[];
  /** Extra socket.io-client options (e.g. `reconnectionDelayMax`); auth and forceNew are the SDK's. */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
  /**
   * Where new tokens come from (your backend, which mints a JWT for the signed-in user). With it the client
   * refreshes its token on the live socket (`auth:refresh`) before it expires, and presents a new one when it
   * reconnects after `auth:expired` or an `UNAUTHORIZED` refusal. Return the JWT, or `{ token, expiresAt }`.
   */
  getToken?: () => Promise<TokenSource>;
  /** How long before expiry to refresh (ms, default 60000; at most a fifth of the token's remaining life). */
  refreshAheadMs?: number;
}

/** What a `Parlor` client emits; subscribe with `on`. */
export interface ParlorEvents {
  /** A message in a joined room that this client has not seen: live, or missed while disconnected. Once per seq. */
  message: Message;
  /**
   * A message of a joined room changed, in its current form: edited (live), or edited, deleted or reacted to
   * while this client was away (delivered at the rejoin; check `deleted` and `reactions`). Not for own changes.
   */
  "message-updated": Message;
  /** A message of a joined room became a tombstone (by its author or a moderator); not for own deletions. */
  "message-deleted": ServerPayload<"message:deleted">;
  /** A message's reactions changed (someone else's reaction); not for own reactions. */
  reactions: ServerPayload<"message:reactions">;
  /** This user's read cursor moved on another of their clients. */
  read: ServerPayload<"room:read">;
  /** A direct message to this user, or from this user's other sockets. */
  dm: DirectMessage;
  typing: { room: string; user: User; typing: boolean };
  "member-joined": { room: string; user: User };
  "member-left": { room: string; user: User };
  /** The connection dropped; the client reconnects by itself. */
  disconnect: { reason: string };
  /** Reconnected and every room rejoined (missed messages were delivered as `message`). */
  reconnect: { rooms: string[] };
  /** A joined room's topic or slow mode changed. */
  "room-updated": RoomInfo;
  /** A moderation action in a joined room, or on this user. */
  moderation: ModAction;
  /** This user was kicked or banned from `room` (no longer joined, not rejoined). */
  removed: { room: string; action: ModAction };
  /** The server announced a restart. */
  shutdown: { reason: string; reconnectAfterMs: number };
  /** The token was renewed (by `auth:refresh`, or at a reconnect with a token from `getToken`). */
  token: { expiresAt: number };
  /** A failure outside any call: a rejoin that failed, a token that expired, a refresh that failed. */
  error: ParlorError;
}
