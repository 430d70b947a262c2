/**
 * The `/chat` namespace contract: one zod model per client payload, ack and
 * server event, each with its summary. The event maps, the registry's
 * validation, the handlers' types and `/asyncapi.json` all derive from it.
 */
import { z } from "zod";
import { ClientId, MessageText, RoomName } from "./common";
import { type AckData, clientEvent, type ClientEvents, namespaceContract, serverEvent, type ServerEvents } from "./contract";
import { lifecycleClientEvents, lifecycleServerEvents, MessageSeq } from "./chat-lifecycle";
import { moderationClientEvents, moderationServerEvents } from "./chat-moderation";
import { authClientEvents, authExpired, systemPing, systemShutdown } from "./lifecycle";
import { DirectMessageModel, MemberEventModel, MessageModel, RoomJoinDataModel, SearchResultModel, UserModel } from "./models";

const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const UserId = z.string().min(1).max(64);

/** `room:join`: join a room; without `sinceSeq` get the last 50 messages, with it every later one (max 500). */
export const RoomJoin = z.strictObject({ room: RoomName, sinceSeq: Seq.optional(), sinceRev: Seq.optional() });
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
export const MessageSend = z.strictObject({
  room: RoomName,
  text: MessageText,
  clientId: ClientId.optional(),
  replyTo: MessageSeq.optional(),
});
/** `message:history`: older messages, oldest first. */
export const MessageHistory = z.strictObject({
  room: RoomName,
  beforeSeq: Seq.optional(),
  limit: z.number().int().min(1).max(100).optional(),
});
/** `message:search`: full-text search in one room or every room the user is in. */
export const MessageSearch = z.strictObject({
  q: z
    .string()
    .max(500, "q is longer than 500 characters")
    .transform((s) => s.trim())
    .pipe(z.string().min(1, "q is empty")),
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

const MessagePage = z.object({ messages: z.array(MessageModel), hasMore: z.boolean() });
const DirectPage = z.object({ messages: z.array(DirectMessageModel), hasMore: z.boolean() });

/** The `/chat` contract. */
export const chatContract = namespaceContract({
  client: {
    "room:join": clientEvent({
      summary:
        "Join a room. Without sinceSeq: the last 50 messages; with it: every later message, oldest first, at most 500 (hasMore when more follow).",
      payload: RoomJoin,
      ack: RoomJoinDataModel,
    }),
    "room:leave": clientEvent({ summary: "Leave a room.", payload: RoomLeave, ack: z.object({ room: z.string() }) }),
    "room:list": clientEvent({
      summary:
        "Rooms with at least one member now, busiest first; at most limit (and PARLOR_MAX_LIST, default 100), hasMore when some were left out.",
      payload: RoomList,
      ack: z.object({ rooms: z.array(z.object({ room: z.string(), members: z.number().int() })), hasMore: z.boolean() }),
    }),
    "room:members": clientEvent({
      summary: "The users in a room now.",
      payload: RoomMembers,
      ack: z.object({ room: z.string(), members: z.array(UserModel) }),
    }),
    "message:send": clientEvent({
      summary:
        "Store a message (durably, before the ack) and send it to the room. The same clientId returns the first message again: retries are safe. Members only (FORBIDDEN).",
      payload: MessageSend,
      ack: z.object({ message: MessageModel }),
    }),
    "message:history": clientEvent({
      summary: "Older messages, oldest first (limit 1–100, default 50). Members only.",
      payload: MessageHistory,
      ack: MessagePage,
    }),
    "message:search": clientEvent({
      summary: "Full-text search in one room (members only) or every room the user is in; best match first (limit 1–50, default 20).",
      payload: MessageSearch,
      ack: z.object({ results: z.array(SearchResultModel) }),
    }),
    typing: clientEvent({ summary: "Tell the others in the room whether this user is typing. No ack needed.", payload: Typing }),
    "dm:send": clientEvent({
      summary: "A direct message, stored before the ack, delivered to every socket of the recipient. NOT_FOUND for an unknown user id.",
      payload: DmSend,
      ack: z.object({ message: DirectMessageModel }),
    }),
    "dm:history": clientEvent({ summary: "Direct messages with one user, oldest first.", payload: DmHistory, ack: DirectPage }),
    ...lifecycleClientEvents,
    ...moderationClientEvents,
    "system:ping": systemPing,
    ...authClientEvents,
  },
  server: {
    "message:new": serverEvent({
      summary: "A new message, to every socket in the room except the sender's (it has the message in its ack).",
      payload: MessageModel,
    }),
    "room:member-joined": serverEvent({ summary: "A user's first socket joined the room.", payload: MemberEventModel }),
    "room:member-left": serverEvent({ summary: "A user's last socket left the room or disconnected.", payload: MemberEventModel }),
    typing: serverEvent({
      summary: "Someone else in the room started or stopped typing.",
      payload: z.object({ room: z.string(), user: UserModel, typing: z.boolean() }),
    }),
    "dm:new": serverEvent({
      summary: "A direct message, to the recipient's sockets and the sender's other sockets.",
      payload: DirectMessageModel,
    }),
    "system:shutdown": systemShutdown,
    "auth:expired": authExpired,
    ...lifecycleServerEvents,
    ...moderationServerEvents,
  },
});
export type ChatContract = typeof chatContract;

/** Events a `/chat` client sends (Socket.IO's map, derived from the contract). */
export type ChatClientToServerEvents = ClientEvents<ChatContract>;
/** Events the server sends to `/chat` clients. */
export type ChatServerToClientEvents = ServerEvents<ChatContract>;

export type RoomJoinInput = z.input<typeof RoomJoin>;
export type MessageSendInput = z.input<typeof MessageSend>;
export type MessageHistoryInput = z.input<typeof MessageHistory>;
export type MessageSearchInput = z.input<typeof MessageSearch>;
export type DmSendInput = z.input<typeof DmSend>;
export type DmHistoryInput = z.input<typeof DmHistory>;
export type RoomListData = AckData<ChatContract, "room:list">;
