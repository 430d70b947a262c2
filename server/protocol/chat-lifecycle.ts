/**
 * The `/chat` events of PROTOCOL v2 "Message lifecycle" and "Read state":
 * edits, deletions, reactions, read cursors, the user's rooms, receipts and
 * DM conversations. Spread into the `/chat` contract (chat.ts), so the event
 * maps, validation and `/asyncapi.json` include them like every other event.
 */
import { z } from "zod";
import { MessageText, RoomName } from "./common";
import { clientEvent, serverEvent } from "./contract";
import { DirectMessageModel, MessageModel, ReactionModel, UserModel } from "./models";

const int = () => z.number().int();
/** A message's seq: 1 or more. */
export const MessageSeq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
/** 1–32 UTF-16 code units, no whitespace or control characters. */
export const Emoji = z
  .string()
  .min(1, "emoji is empty")
  .max(32, "emoji is longer than 32 characters")
  .regex(/^[^\s\u0000-\u001f\u007f-\u009f]+$/u, "emoji has whitespace or control characters");

/** `message:edit`: replace the text of one's own live message. */
export const MessageEdit = z.strictObject({ room: RoomName, seq: MessageSeq, text: MessageText });
/** `message:delete`: make a message a tombstone (author, or a moderator of the room). */
export const MessageDelete = z.strictObject({ room: RoomName, seq: MessageSeq });
/** `message:react`: add (`on: true`) or take back one's emoji on a message. */
export const MessageReact = z.strictObject({ room: RoomName, seq: MessageSeq, emoji: Emoji, on: z.boolean() });
/** `room:read`: move one's read cursor forward. */
export const RoomRead = z.strictObject({ room: RoomName, seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });
/** `room:receipts`: the read cursors of the room's current members. */
export const RoomReceipts = z.strictObject({ room: RoomName });
/** Events that take nothing: `{}` or no payload. */
const Nothing = z.strictObject({}).optional();

const Reactions = z.object({ room: z.string(), seq: int(), rev: int(), reactions: z.array(ReactionModel) });
const ReadCursor = z.object({ room: z.string(), readSeq: int() });
const MyRoomModel = z.object({ room: z.string(), lastSeq: int(), readSeq: int(), unread: int() });

/** Client events, keyed by name (spread into chatContract.client). */
export const lifecycleClientEvents = {
  "message:edit": clientEvent({
    summary:
      "Replace the text of one's own live message (FORBIDDEN for another's, NOT_FOUND when missing or deleted); sets editedAt. The room gets message:updated.",
    payload: MessageEdit,
    ack: z.object({ message: MessageModel }),
  }),
  "message:delete": clientEvent({
    summary:
      'Make a message a tombstone (text "", deleted: true; seq stays). Author, or a moderator of the room. The room gets message:deleted.',
    payload: MessageDelete,
    ack: z.object({ room: z.string(), seq: int() }),
  }),
  "message:react": clientEvent({
    summary:
      "Add (on: true) or take back an emoji on a live message; idempotent per user and emoji; at most 20 distinct emoji (BAD_REQUEST). The room gets message:reactions when something changed.",
    payload: MessageReact,
    ack: Reactions,
  }),
  "room:read": clientEvent({
    summary: "Move the user's read cursor forward (never back; at most the room's last seq). The user's other sockets get room:read.",
    payload: RoomRead,
    ack: ReadCursor,
  }),
  "room:mine": clientEvent({
    summary: "Every room the user has joined and not left, with lastSeq, readSeq and unread (others' live messages after readSeq).",
    payload: Nothing,
    ack: z.object({ rooms: z.array(MyRoomModel) }),
  }),
  "room:receipts": clientEvent({
    summary: "The read cursors of the room's current members (members only).",
    payload: RoomReceipts,
    ack: z.object({ receipts: z.array(z.object({ user: UserModel, readSeq: int() })) }),
  }),
  "dm:list": clientEvent({
    summary: "The user's direct-message conversations with their last message, most recent first.",
    payload: Nothing,
    ack: z.object({ conversations: z.array(z.object({ with: UserModel, last: DirectMessageModel })) }),
  }),
};

/** Server events, keyed by name (spread into chatContract.server). */
export const lifecycleServerEvents = {
  "message:updated": serverEvent({
    summary: "A message was edited: its current form, to the room except the editing socket.",
    payload: MessageModel,
  }),
  "message:deleted": serverEvent({
    summary: "A message became a tombstone, to the room except the deleting socket.",
    payload: z.object({ room: z.string(), seq: int(), rev: int(), by: UserModel }),
  }),
  "message:reactions": serverEvent({
    summary: "A message's reactions changed, to the room except the reacting socket.",
    payload: Reactions,
  }),
  "room:read": serverEvent({ summary: "The user's read cursor moved, to their other sockets.", payload: ReadCursor }),
  "session:welcome": serverEvent({
    summary: "Sent on connecting to /chat: who the socket is, the node, its clock and limits.",
    payload: z.object({
      user: UserModel,
      node: z.string(),
      serverTime: z.number(),
      limits: z.object({ ratePerSec: z.number(), burst: z.number(), maxPayload: int(), messageMax: int() }),
    }),
  }),
};
