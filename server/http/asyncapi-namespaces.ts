/**
 * What `/asyncapi.json` documents: each namespace's registered events (the
 * registry's zod schemas are the client payloads) plus the ack and
 * server-event schemas from asyncapi-models.ts. The tables are typed by the
 * event maps, so an event added to the contract without docs fails to compile.
 */
import { z } from "zod";
import { gameEvents } from "../features/game";
import { systemEvents } from "../features/system";
import type {
  ChatClientToServerEvents,
  ChatServerToClientEvents,
  GameClientToServerEvents,
  GameServerToClientEvents,
  SystemClientToServerEvents,
  SystemServerToClientEvents,
} from "../protocol";
import { chatNamespaceEvents } from "../realtime/chat-namespace";
import type { NamespaceDoc } from "./asyncapi";
import * as m from "./asyncapi-models";

const shutdown = { summary: "The server is shutting down; reconnect after reconnectAfterMs.", payload: m.ShutdownModel };
const authExpired = { summary: "The socket's token expired; the server disconnects it next. Reconnect with a new token.", payload: z.object({}) };

const chatDocs: m.NamespaceContractDocs<ChatClientToServerEvents, ChatServerToClientEvents> = {
  clientEvents: {
    "room:join": { summary: "Join a room. Without sinceSeq: the last 50 messages; with it: every later message, oldest first, at most 500 (hasMore when more follow).", ack: m.RoomJoinDataModel },
    "room:leave": { summary: "Leave a room.", ack: z.object({ room: z.string() }) },
    "room:list": { summary: "Rooms with at least one member now, busiest first; at most limit (and PARLOR_MAX_LIST, default 100), hasMore when some were left out.", ack: z.object({ rooms: z.array(z.object({ room: z.string(), members: z.number().int() })), hasMore: z.boolean() }) },
    "room:members": { summary: "The users in a room now.", ack: z.object({ room: z.string(), members: z.array(m.UserModel) }) },
    "message:send": { summary: "Store a message (durably, before the ack) and send it to the room. The same clientId returns the first message again: retries are safe. Members only (FORBIDDEN).", ack: z.object({ message: m.MessageModel }) },
    "message:history": { summary: "Older messages, oldest first (limit 1–100, default 50). Members only.", ack: z.object({ messages: z.array(m.MessageModel), hasMore: z.boolean() }) },
    "message:search": { summary: "Full-text search in one room (members only) or every room the user is in; best match first (limit 1–50, default 20).", ack: z.object({ results: z.array(m.SearchResultModel) }) },
    typing: { summary: "Tell the others in the room whether this user is typing. No ack needed." },
    "dm:send": { summary: "A direct message, stored before the ack, delivered to every socket of the recipient. NOT_FOUND for an unknown user id.", ack: z.object({ message: m.DirectMessageModel }) },
    "dm:history": { summary: "Direct messages with one user, oldest first.", ack: z.object({ messages: z.array(m.DirectMessageModel), hasMore: z.boolean() }) },
  },
  serverEvents: {
    "message:new": { summary: "A new message, to every socket in the room except the sender's (it has the message in its ack).", payload: m.MessageModel },
    "room:member-joined": { summary: "A user's first socket joined the room.", payload: m.MemberEventModel },
    "room:member-left": { summary: "A user's last socket left the room or disconnected.", payload: m.MemberEventModel },
    typing: { summary: "Someone else in the room started or stopped typing.", payload: z.object({ room: z.string(), user: m.UserModel, typing: z.boolean() }) },
    "dm:new": { summary: "A direct message, to the recipient's sockets and the sender's other sockets.", payload: m.DirectMessageModel },
    "system:shutdown": shutdown,
    "auth:expired": authExpired,
  },
};

const gameDocs: m.NamespaceContractDocs<GameClientToServerEvents, GameServerToClientEvents> = {
  clientEvents: {
    "game:list": { summary: "The games on this node, oldest first; at most limit (and PARLOR_MAX_LIST, default 100), hasMore when some were left out.", ack: z.object({ games: z.array(m.GameSummaryModel), hasMore: z.boolean() }) },
    "game:create": { summary: "Create a game (2–16 seats, default 8); join it with game:join.", ack: z.object({ game: m.GameSummaryModel }) },
    "game:join": { summary: "Take a seat (or resume one held for this user within 30 s) and get the full state. NOT_FOUND; CONFLICT when full.", ack: m.GameJoinDataModel },
    "game:quickplay": { summary: "As game:join, in the open game with the most players and a free seat, or a new one.", ack: m.GameJoinDataModel },
    "game:leave": { summary: "Give up the seat now.", ack: m.EmptyData },
    "game:input": { summary: "Movement intent from the next tick on. No ack; at most 60 per second are applied, and a seq not above the last one is dropped." },
  },
  serverEvents: {
    "game:state": { summary: "The full state: to a joining connection, and to the whole game when a new round starts.", payload: m.SnapshotModel },
    "game:delta": { summary: "At 20 Hz, to each seated connection: only what changed since the previous tick.", payload: m.GameDeltaModel },
    "game:over": { summary: "A player reached the winning score; a new round starts after 3 s.", payload: m.GameOverModel },
    "system:shutdown": shutdown,
    "auth:expired": authExpired,
  },
};

const systemDocs: m.NamespaceContractDocs<SystemClientToServerEvents, SystemServerToClientEvents> = {
  clientEvents: {
    "system:healthcheck": { summary: "Answers while the process can serve events. Send no payload, only the ack callback.", ack: z.object({ status: z.literal("healthy") }) },
    "system:state": { summary: "Connected clients, uptime (s), active rooms and games, node id. Send no payload, only the ack callback.", ack: m.SystemStateModel },
  },
  serverEvents: { "system:shutdown": shutdown },
};

/** Every namespace Parlor serves, in the order the docs show them. Adding a namespace is one entry. */
export const parlorNamespaces: NamespaceDoc[] = [
  { namespace: "/chat", auth: true, description: "Rooms, messages, search, typing and direct messages.", events: chatNamespaceEvents, ...chatDocs },
  { namespace: "/game", auth: true, description: "Orbs, a server-authoritative arena game: clients send intent, the server sends state.", events: gameEvents, ...gameDocs },
  { namespace: "/system", auth: false, description: "Health and live figures; open, no token needed.", events: systemEvents, ...systemDocs },
];
