/**
 * The `/chat` namespace contract: payload schemas (the single source of the
 * payload types), ack data types and the typed event maps.
 */
import { z } from "zod";
import type { AckCallback, DirectMessage, Message, User } from "./common";
import { ClientId, Empty, MessageText, RoomName } from "./common";

const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const UserId = z.string().min(1).max(64);

/** `room:join`: join a room; without `sinceSeq` get the last 50 messages, with it every later one (max 500). */
export const RoomJoin = z.strictObject({ room: RoomName, sinceSeq: Seq.optional() });
/** `room:leave`: leave a room. */
export const RoomLeave = z.strictObject({ room: RoomName });
/**
 * `room:list`: rooms with at least one member now, busiest first. Addition:
 * `limit` (1–1000) caps the reply, which never holds more than the server's
 * PARLOR_MAX_LIST (default 100); `hasMore` says some were left out.
 */
export const RoomList = z.strictObject({ limit: z.number().int().min(1).max(1000).optional() });
/** `room:members`: the users in a room now (one entry per user, however many tabs). */
export const RoomMembers = z.strictObject({ room: RoomName });
/** `message:send`: store a message (before the ack) and send it to the room. */
export const MessageSend = z.strictObject({ room: RoomName, text: MessageText, clientId: ClientId.optional() });
/** `message:history`: older messages, oldest first. */
export const MessageHistory = z.strictObject({
  room: RoomName,
  beforeSeq: Seq.optional(),
  limit: z.number().int().min(1).max(100).optional(),
});
/** `message:search`: full-text search in one room or every room the user is in. */
export const MessageSearch = z.strictObject({
  q: z.string().max(500, "q is longer than 500 characters").transform((s) => s.trim()).pipe(z.string().min(1, "q is empty")),
  room: RoomName.optional(),
  limit: z.number().int().min(1).max(50).optional(),
});
/** `typing`: tell the others in the room whether this user is typing (no ack). */
export const Typing = z.strictObject({ room: RoomName, typing: z.boolean() });
/** `dm:send`: a direct message, stored before the ack, delivered to every socket of the recipient. */
export const DmSend = z.strictObject({ to: UserId, text: MessageText, clientId: ClientId.optional() });
/** `dm:history`: direct messages with one user, oldest first. */
export const DmHistory = z.strictObject({
  with: UserId,
  before: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(100).optional(),
});

export type RoomJoinInput = z.input<typeof RoomJoin>;
export type MessageSendInput = z.input<typeof MessageSend>;
export type MessageHistoryInput = z.input<typeof MessageHistory>;
export type MessageSearchInput = z.input<typeof MessageSearch>;
export type DmSendInput = z.input<typeof DmSend>;
export type DmHistoryInput = z.input<typeof DmHistory>;

export interface RoomListData {
  rooms: { room: string; members: number }[];
  /** Addition: more rooms have members than the reply holds. */
  hasMore: boolean;
}

export interface RoomJoinData {
  room: string;
  members: User[];
  messages: Message[];
  hasMore: boolean;
}
export interface SearchResult {
  message: Message;
  score: number;
  /** Addition to PROTOCOL.md: the matching part of the text, matches wrapped in `[` `]`. */
  snippet: string;
}

/** Events a `/chat` client sends. */
export interface ChatClientToServerEvents {
  "room:join": (payload: RoomJoinInput, ack: AckCallback<RoomJoinData>) => void;
  "room:leave": (payload: z.input<typeof RoomLeave>, ack: AckCallback<{ room: string }>) => void;
  "room:list": (payload: z.input<typeof RoomList>, ack: AckCallback<RoomListData>) => void;
  "room:members": (payload: z.input<typeof RoomMembers>, ack: AckCallback<{ room: string; members: User[] }>) => void;
  "message:send": (payload: MessageSendInput, ack: AckCallback<{ message: Message }>) => void;
  "message:history": (payload: MessageHistoryInput, ack: AckCallback<{ messages: Message[]; hasMore: boolean }>) => void;
  "message:search": (payload: MessageSearchInput, ack: AckCallback<{ results: SearchResult[] }>) => void;
  typing: (payload: z.input<typeof Typing>) => void;
  "dm:send": (payload: DmSendInput, ack: AckCallback<{ message: DirectMessage }>) => void;
  "dm:history": (payload: DmHistoryInput, ack: AckCallback<{ messages: DirectMessage[]; hasMore: boolean }>) => void;
}

/** Events the server sends to `/chat` clients. */
export interface ChatServerToClientEvents {
  /** A new message, to every socket in the room except the sender's. */
  "message:new": (message: Message) => void;
  /** A user's first socket joined the room. */
  "room:member-joined": (payload: { room: string; user: User }) => void;
  /** A user's last socket left the room or disconnected. */
  "room:member-left": (payload: { room: string; user: User }) => void;
  /** Someone else in the room started or stopped typing. */
  typing: (payload: { room: string; user: User; typing: boolean }) => void;
  /** A direct message, to the recipient's sockets and the sender's other sockets. */
  "dm:new": (message: DirectMessage) => void;
  /** Addition: the server is shutting down; reconnect after `reconnectAfterMs`. */
  "system:shutdown": (payload: { reason: string; reconnectAfterMs: number }) => void;
  /** Addition (PROTOCOL v2): the socket's token expired; it is disconnected next. Reconnect with a new token. */
  "auth:expired": (payload: Record<string, never>) => void;
}
