/**
 * zod models of everything the server sends: the entities (User, Message,
 * GameDelta, …), ack data and server-event payloads. They are the single
 * definition: the TypeScript types are `z.output` of these, and `/asyncapi.json`
 * documents them as `#/components/schemas/<id>` (the `models` registry).
 */
import { z } from "zod";
import { ERROR_CODES } from "./common";

/** Every model with an id here becomes `#/components/schemas/<id>` in `/asyncapi.json`. */
export const models = z.registry<{ id: string; description?: string }>();
const model = <S extends z.ZodType>(schema: S, id: string, description: string): S => (models.add(schema, { id, description }), schema);

const int = () => z.number().int();
/** Scores by player id. */
const Scores = z.record(z.string(), int());

export const UserModel = model(
  z.object({ id: z.string(), name: z.string(), guest: z.literal(true).optional() }),
  "User",
  "A user: a stable id (a JWT user's is its `sub`), a display name (not unique), and `guest: true` for a guest session (POST /api/session).",
);
export const ReactionModel = model(
  z.object({ emoji: z.string(), count: int(), users: z.array(z.string()) }),
  "Reaction",
  "One emoji on a message: how many users reacted with it, and the ids of the first 20 (in the order they reacted).",
);
export const MessageModel = model(
  z.object({
    id: z.string(),
    room: z.string(),
    seq: int(),
    user: UserModel,
    text: z.string(),
    ts: z.number(),
    clientId: z.string().optional(),
    rev: int().optional(),
    editedAt: z.number().optional(),
    deleted: z.literal(true).optional(),
    reactions: z.array(ReactionModel).optional(),
    replyTo: z.object({ seq: int(), user: UserModel, text: z.string(), deleted: z.literal(true).optional() }).optional(),
  }),
  "Message",
  'A room message. `seq` counts from 1 within a room, without gaps or repeats; `rev` is the room\'s change counter at its last change (new, edit, delete, reaction). A deleted message is a tombstone: text "", deleted: true. `reactions` in the order each emoji was first used (present when non-empty); `replyTo.text` is the first 140 characters of the original\'s current text ("" with deleted: true once it is deleted).',
);
export const DirectMessageModel = model(
  z.object({ id: z.string(), from: UserModel, to: UserModel, text: z.string(), ts: z.number(), clientId: z.string().optional() }),
  "DirectMessage",
  "A direct message between two users.",
);
export const SearchResultModel = model(
  z.object({ message: MessageModel, score: z.number(), snippet: z.string() }),
  "SearchResult",
  "A search hit; `snippet` (an addition) wraps the matching words in [ ].",
);
export const RoomInfoModel = model(
  z.object({
    room: z.string(),
    owner: UserModel.nullable(),
    moderators: z.array(UserModel),
    topic: z.string(),
    slowModeMs: int(),
    lastSeq: int(),
  }),
  "RoomInfo",
  "A room's owner (its first joiner; null until someone joins an ownerless room), room moderators, topic, slow mode (0: off) and last seq.",
);
export const ModActionModel = model(
  z.object({
    id: z.string(),
    room: z.string(),
    action: z.enum(["mute", "unmute", "kick", "ban", "unban", "promote", "demote", "delete", "update"]),
    target: UserModel.nullable(),
    by: UserModel,
    reason: z.string().optional(),
    until: z.number().nullable().optional(),
    seq: int().optional(),
    ts: z.number(),
  }),
  "ModAction",
  "One entry of a room's audit log, newest id last. `until`: when a mute or ban ends (null: open-ended); `seq`: the deleted message (delete); `target` is null for update.",
);
export const RoomJoinDataModel = model(
  z.object({
    room: z.string(),
    members: z.array(UserModel),
    messages: z.array(MessageModel),
    hasMore: z.boolean(),
    rev: int(),
    readSeq: int(),
    info: RoomInfoModel,
    updates: z.array(MessageModel).optional(),
    hasMoreUpdates: z.boolean().optional(),
  }),
  "RoomJoinData",
  "Members and messages of a joined room (the last 50, or every message after sinceSeq up to 500); the room's rev and the user's read cursor. With sinceSeq and sinceRev: `updates`, the messages up to sinceSeq changed after sinceRev, oldest change first (at most 500; hasMoreUpdates when more remain).",
);
export const AckErrorModel = model(
  z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() }),
  "AckError",
  "Why an event failed. `details` names the field (BAD_REQUEST), says when to retry (RATE_LIMITED: retryAfterMs) or why (details.reason).",
);
export const GameSummaryModel = model(
  z.object({
    id: z.string(),
    name: z.string(),
    players: int(),
    maxPlayers: int(),
    status: z.enum(["waiting", "playing"]),
    spectators: int(),
  }),
  "GameSummary",
  "A game as the lobby shows it. `players` counts seats taken, held seats included; `waiting` while fewer than two. `spectators` (v2): connections watching without a seat.",
);
export const PlayerModel = model(
  z.object({ id: z.string(), name: z.string(), x: z.number(), y: z.number(), vx: z.number(), vy: z.number(), score: int() }),
  "Player",
  "A player: position in the 1000 × 1000 world, velocity in units per second.",
);
export const OrbModel = model(z.object({ id: z.string(), x: z.number(), y: z.number() }), "Orb", "An orb; touching it scores 1.");
export const SnapshotModel = model(
  z.object({ tick: int(), players: z.array(PlayerModel), orbs: z.array(OrbModel) }),
  "Snapshot",
  "The full state of a game at the end of tick `tick`.",
);
export const GameJoinDataModel = model(
  z.object({ game: GameSummaryModel, playerId: z.string(), state: SnapshotModel }),
  "GameJoinData",
  "A seat in a game and its full state.",
);
export const PlayerMoveModel = PlayerModel.pick({ id: true, x: true, y: true, vx: true, vy: true });
export const GameDeltaModel = model(
  z.object({
    tick: int(),
    joined: z.array(PlayerModel).optional(),
    moved: z.array(PlayerMoveModel).optional(),
    left: z.array(z.string()).optional(),
    spawned: z.array(OrbModel).optional(),
    removed: z.array(z.string()).optional(),
    scores: Scores.optional(),
    ackSeq: int(),
  }),
  "GameDelta",
  "What changed since the previous delta (or the join snapshot); empty arrays and scores are left out. ackSeq: the recipient's last applied input.",
);
export const GameOverModel = model(
  z.object({ winner: PlayerModel, scores: Scores, stateHash: z.string().optional(), reason: z.string().optional() }),
  "GameOver",
  "The round's winner and final scores. `stateHash` (v2): SHA-256 hex of the final world state; a replay of the round ends with the same one. `reason` (addition): set when the round ended otherwise than by a win (e.g. the node running the game stopped).",
);
export const SystemStateModel = model(
  z.object({ connectedClients: int(), uptime: int(), rooms: int(), games: int(), node: z.string() }),
  "SystemState",
  "Live figures of the node that answers.",
);
export const ShutdownModel = z.object({ reason: z.string(), reconnectAfterMs: int() });
export const MemberEventModel = z.object({ room: z.string(), user: UserModel });
/** Acks whose data is `{}`. */
export const EmptyData = z.strictObject({});

export type User = z.output<typeof UserModel>;
export type Message = z.output<typeof MessageModel>;
export type DirectMessage = z.output<typeof DirectMessageModel>;
export type SearchResult = z.output<typeof SearchResultModel>;
export type RoomJoinData = z.output<typeof RoomJoinDataModel>;
export type RoomInfo = z.output<typeof RoomInfoModel>;
export type ModAction = z.output<typeof ModActionModel>;
export type ModActionKind = ModAction["action"];
export type AckError = z.output<typeof AckErrorModel>;
export type GameSummary = z.output<typeof GameSummaryModel>;
export type GameStatus = GameSummary["status"];
/** A player as everyone sees it; velocity in world units per second. */
export type Player = z.output<typeof PlayerModel>;
export type Orb = z.output<typeof OrbModel>;
/** The full state of a game at the end of tick `tick`. */
export type Snapshot = z.output<typeof SnapshotModel>;
/** A player whose position or velocity changed in the tick (with `extrapolate`: whose velocity changed, or a wall stopped it). */
export type PlayerMove = z.output<typeof PlayerMoveModel>;
/**
 * What changed since the previous `game:delta` (or the join snapshot). Empty
 * arrays and an empty `scores` are left out. `ackSeq` is the `seq` of the
 * recipient's last applied `game:input` (0 before any).
 */
export type GameDelta = z.output<typeof GameDeltaModel>;
export type GameOver = z.output<typeof GameOverModel>;
export type GameJoinData = z.output<typeof GameJoinDataModel>;
export type SystemState = z.output<typeof SystemStateModel>;
export type Shutdown = z.output<typeof ShutdownModel>;
