/**
 * zod schemas for what the server sends (ack data and server-to-client
 * payloads), used only to document them in `/asyncapi.json`. The protocol
 * declares those as TypeScript types; each schema here is checked to be
 * *exactly* its type at compile time, so the docs cannot drift from the
 * contract (add a field to `Message` and this file stops compiling).
 */
import { z } from "zod";
import type {
  AckCallback,
  AckError,
  DirectMessage,
  GameDelta,
  GameJoinData,
  GameOver,
  GameSummary,
  Message,
  Orb,
  Player,
  RoomJoinData,
  SearchResult,
  Snapshot,
  SystemState,
  User,
} from "../protocol";
import { ERROR_CODES } from "../protocol";

/** True when A and B are the same type (optional fields included). */
export type Equals<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;
/** Compiles only when `T` is `true`. */
export type Assert<T extends true> = T;

/** The events of a map that take an ack callback (last argument). */
export type AckEventsOf<M> = {
  [E in keyof M]: M[E] extends (...args: infer A) => void ? (A extends [...unknown[], AckCallback<any>] ? E : never) : never;
}[keyof M] &
  string;
/** The ack `data` type of event `E`. */
export type AckDataOf<M, E extends keyof M> = M[E] extends (...args: infer A) => void ? (A extends [...unknown[], AckCallback<infer T>] ? T : never) : never;
/** The first argument of event `E` (a server-to-client payload). */
export type PayloadOf<M, E extends keyof M> = M[E] extends (payload: infer P) => void ? P : never;

/**
 * Documentation of one namespace's events, complete by construction: every
 * client event of map `C` has a summary and every ack event an ack schema
 * whose output is its ack data type; every server event of map `S` a schema.
 */
export interface NamespaceContractDocs<C, S> {
  clientEvents: { [E in keyof C & string]: { summary: string } & (E extends AckEventsOf<C> ? { ack: z.ZodType<AckDataOf<C, E>> } : { ack?: undefined }) };
  serverEvents: { [E in keyof S & string]: { summary: string; payload: z.ZodType<PayloadOf<S, E>> } };
}

/** Every schema with an id here becomes `#/components/schemas/<id>`. */
export const models = z.registry<{ id: string; description?: string }>();
const model = <S extends z.ZodType>(schema: S, id: string, description: string): S => (models.add(schema, { id, description }), schema);

const int = () => z.number().int();
const scores = z.record(z.string(), int());

export const UserModel = model(z.object({ id: z.string(), name: z.string() }), "User", "A user: a stable id for the session token, and a display name.");
export const MessageModel = model(
  z.object({ id: z.string(), room: z.string(), seq: int(), user: UserModel, text: z.string(), ts: z.number(), clientId: z.string().optional() }),
  "Message",
  "A room message. `seq` counts from 1 within a room, without gaps or repeats.",
);
export const DirectMessageModel = model(
  z.object({ id: z.string(), from: UserModel, to: UserModel, text: z.string(), ts: z.number(), clientId: z.string().optional() }),
  "DirectMessage",
  "A direct message between two users.",
);
export const SearchResultModel = model(
  z.object({ message: MessageModel, score: z.number(), snippet: z.string() }),
  "SearchResult",
  "A search hit; `snippet` wraps the matching words in [ ].",
);
export const RoomJoinDataModel = model(
  z.object({ room: z.string(), members: z.array(UserModel), messages: z.array(MessageModel), hasMore: z.boolean() }),
  "RoomJoinData",
  "Members and messages of a joined room (the last 50, or every message after sinceSeq up to 500).",
);
export const AckErrorModel = model(
  z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() }),
  "AckError",
  "Why an event failed. `details` names the field (BAD_REQUEST) or says when to retry (RATE_LIMITED: retryAfterMs).",
);
export const GameSummaryModel = model(
  z.object({ id: z.string(), name: z.string(), players: int(), maxPlayers: int(), status: z.enum(["waiting", "playing"]) }),
  "GameSummary",
  "A game as the lobby shows it.",
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
  "The full state of a game at the end of a tick.",
);
export const GameJoinDataModel = model(
  z.object({ game: GameSummaryModel, playerId: z.string(), state: SnapshotModel }),
  "GameJoinData",
  "A seat in a game and its full state.",
);
export const GameDeltaModel = model(
  z.object({
    tick: int(),
    joined: z.array(PlayerModel).optional(),
    moved: z.array(z.object({ id: z.string(), x: z.number(), y: z.number(), vx: z.number(), vy: z.number() })).optional(),
    left: z.array(z.string()).optional(),
    spawned: z.array(OrbModel).optional(),
    removed: z.array(z.string()).optional(),
    scores: scores.optional(),
    ackSeq: int(),
  }),
  "GameDelta",
  "What changed since the previous delta; empty arrays are left out. ackSeq: the recipient's last applied input.",
);
export const GameOverModel = model(z.object({ winner: PlayerModel, scores }), "GameOver", "The round's winner and final scores.");
export const SystemStateModel = model(
  z.object({ connectedClients: int(), uptime: int(), rooms: int(), games: int(), node: z.string() }),
  "SystemState",
  "Live figures of the node that answers.",
);
export const ShutdownModel = z.object({ reason: z.string(), reconnectAfterMs: int() });
export const MemberEventModel = z.object({ room: z.string(), user: UserModel });
/** Acks whose data is `{}`. */
export const EmptyData = z.object({}).strict();

export type ModelChecks = [
  Assert<Equals<z.output<typeof UserModel>, User>>,
  Assert<Equals<z.output<typeof MessageModel>, Message>>,
  Assert<Equals<z.output<typeof DirectMessageModel>, DirectMessage>>,
  Assert<Equals<z.output<typeof SearchResultModel>, SearchResult>>,
  Assert<Equals<z.output<typeof RoomJoinDataModel>, RoomJoinData>>,
  Assert<Equals<z.output<typeof AckErrorModel>, AckError>>,
  Assert<Equals<z.output<typeof GameSummaryModel>, GameSummary>>,
  Assert<Equals<z.output<typeof PlayerModel>, Player>>,
  Assert<Equals<z.output<typeof OrbModel>, Orb>>,
  Assert<Equals<z.output<typeof SnapshotModel>, Snapshot>>,
  Assert<Equals<z.output<typeof GameJoinDataModel>, GameJoinData>>,
  Assert<Equals<z.output<typeof GameDeltaModel>, GameDelta>>,
  Assert<Equals<z.output<typeof GameOverModel>, GameOver>>,
  Assert<Equals<z.output<typeof SystemStateModel>, SystemState>>,
];
