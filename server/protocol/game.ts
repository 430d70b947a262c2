/**
 * The `/game` namespace contract (Orbs): one zod model per client payload,
 * ack and server event, each with its summary; the world types (Player,
 * Snapshot, GameDelta, …) are the models in models.ts.
 */
import { z } from "zod";
import { Empty, UserName } from "./common";
import { clientEvent, type ClientEvents, namespaceContract, serverEvent, type ServerEvents } from "./contract";
import { authClientEvents, authExpired, systemPing, systemShutdown } from "./lifecycle";
import { EmptyData, GameDeltaModel, GameJoinDataModel, GameOverModel, GameSummaryModel, models, SnapshotModel, UserModel } from "./models";

/** One axis of a direction: -1, 0 or 1. Clients send intent, never a position. */
const Axis = z.union([z.literal(-1), z.literal(0), z.literal(1)]);

/**
 * `game:list`: the games on this node; with PARLOR_REDIS_URL, every node's. Addition: `limit` (1–1000) caps the
 * reply, which never holds more than PARLOR_MAX_LIST (default 100); `hasMore`
 * says some were left out.
 */
export const GameList = z.strictObject({ limit: z.number().int().min(1).max(1000).optional() });
/** `game:create`: a new game (2–16 seats, default 8); the creator is not seated until `game:join`. */
export const GameCreate = z.strictObject({
  name: UserName.optional(),
  maxPlayers: z.number().int().min(2).max(16).optional(),
});
/**
 * Addition: `extrapolate: true` asks for the smaller deltas of a client that
 * moves every player on by its velocity between deltas (as static/game-sync.js
 * does): `moved` then names a player only when that prediction breaks (its
 * velocity changed or a wall stopped it). Left out or false, `moved` names
 * every player whose position or velocity changed, as PROTOCOL.md says.
 */
const Extrapolate = z.boolean().optional();
/** `game:join`: take a seat (or resume one held for this user) and get the full state. */
export const GameJoin = z.strictObject({ gameId: z.string().min(1).max(64), extrapolate: Extrapolate });
/** `game:quickplay`: join the open game with the most players and a free seat, or a new one. */
export const GameQuickplay = z.strictObject({ extrapolate: Extrapolate });
/** `game:leave`: give up the seat now (no reservation). */
export const GameLeave = Empty;
/** `game:input`: the direction to move in from the next tick on; at most 60 per second are applied. */
export const GameInput = z.strictObject({
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  dir: z.strictObject({ x: Axis, y: Axis }),
});

const GameId = z.string().min(1).max(64);
/** `game:spectate`: watch a game without a seat (what the connection did before ends). */
export const GameSpectate = z.strictObject({ gameId: GameId, extrapolate: Extrapolate });
/** `game:replays`: recorded rounds, newest first; every game's without `gameId`. */
export const GameReplays = z.strictObject({ gameId: GameId.optional(), limit: z.number().int().min(1).max(50).optional() });
/** `game:replay`: stream a recorded round; `speed` (default 1) plays 20 × speed ticks per second. */
export const GameReplay = z.strictObject({
  id: z.string().min(1).max(64),
  speed: z.number().int().min(1).max(8).optional(),
  extrapolate: Extrapolate,
});

const int = () => z.number().int();
export const ReplaySummaryModel = z.object({
  id: z.string(),
  gameId: z.string(),
  round: int(),
  players: z.array(UserModel),
  winner: UserModel,
  ticks: int(),
  endedAt: int(),
});
models.add(ReplaySummaryModel, {
  id: "ReplaySummary",
  description:
    "A recorded round: every user seated at some point (the join ack's playerId links them to players), its winner, length in ticks and end (ms epoch).",
});
export const ReplayInfoModel = z.object({
  id: z.string(),
  gameId: z.string(),
  ticks: int(),
  final: z.object({ scores: z.record(z.string(), int()), stateHash: z.string() }),
});
models.add(ReplayInfoModel, {
  id: "ReplayInfo",
  description: "The round a game:replay streams, and how it ends (the live round's scores and stateHash).",
});

/** The `/game` contract. */
export const gameContract = namespaceContract({
  client: {
    "game:list": clientEvent({
      summary:
        "The games, oldest first (on a cluster, every node's); at most limit (and PARLOR_MAX_LIST, default 100), hasMore when some were left out.",
      payload: GameList,
      ack: z.object({ games: z.array(GameSummaryModel), hasMore: z.boolean() }),
    }),
    "game:create": clientEvent({
      summary: "Create a game (2–16 seats, default 8); join it with game:join.",
      payload: GameCreate,
      ack: z.object({ game: GameSummaryModel }),
    }),
    "game:join": clientEvent({
      summary: "Take a seat (or resume one held for this user within 30 s) and get the full state. NOT_FOUND; CONFLICT when full.",
      payload: GameJoin,
      ack: GameJoinDataModel,
    }),
    "game:quickplay": clientEvent({
      summary: "As game:join, in the open game with the most players and a free seat, or a new one.",
      payload: GameQuickplay,
      ack: GameJoinDataModel,
    }),
    "game:leave": clientEvent({
      summary: "Give up the seat now; also ends spectating and stops a replay.",
      payload: GameLeave,
      ack: EmptyData,
    }),
    "game:spectate": clientEvent({
      summary:
        "Watch a game without a seat: the ack has its state, then game:delta, game:state and game:over as a player gets them. NOT_FOUND; CONFLICT past 100 spectators.",
      payload: GameSpectate,
      ack: z.object({ game: GameSummaryModel, state: SnapshotModel }),
    }),
    "game:replays": clientEvent({
      summary: "Recorded rounds, newest first (limit 1–50, default 20); an unknown gameId gives an empty list.",
      payload: GameReplays,
      ack: z.object({ replays: z.array(ReplaySummaryModel) }),
    }),
    "game:replay": clientEvent({
      summary:
        "Stream a recorded round re-simulated: game:state, game:delta at 20 × speed Hz (speed 1–8, default 1), game:over equal to the live one. NOT_FOUND; BAD_REQUEST for a bad speed.",
      payload: GameReplay,
      ack: z.object({ replay: ReplayInfoModel }),
    }),
    "game:input": clientEvent({
      summary:
        "Movement intent from the next tick on. No ack; at most 60 per second are applied, and a seq not above the last one is dropped.",
      payload: GameInput,
    }),
    ...authClientEvents,
    "system:ping": systemPing,
  },
  server: {
    "game:state": serverEvent({
      summary: "The full state: to a joining connection, and to the whole game when a new round starts.",
      payload: SnapshotModel,
    }),
    "game:delta": serverEvent({
      summary: "At 20 Hz, to each seated connection: only what changed since the previous tick.",
      payload: GameDeltaModel,
    }),
    "game:over": serverEvent({
      summary:
        'A player reached the winning score; a new round starts after 3 s. With reason (addition) the game ended otherwise and is gone: "node_stopped" (the node running it shut down) or "node_lost" (it stopped answering); winner is then the leading player.',
      payload: GameOverModel,
    }),
    "system:shutdown": systemShutdown,
    "auth:expired": authExpired,
  },
});
export type GameContract = typeof gameContract;

/**
 * `game:over.reason` (addition, cluster only): why a game ended without a
 * win. The game is gone afterwards (no next round); `winner` is the leading
 * player when it ended.
 */
export const GAME_OVER_REASONS = {
  /** The node running the game shut down gracefully (SIGTERM). */
  nodeStopped: "node_stopped",
  /** The node running the game stopped beating (killed, partitioned): told by the player's own node within about the TTL. */
  nodeLost: "node_lost",
} as const;
export type GameOverReason = (typeof GAME_OVER_REASONS)[keyof typeof GAME_OVER_REASONS];

/** Events a `/game` client sends (Socket.IO's map, derived from the contract). */
export type GameClientToServerEvents = ClientEvents<GameContract>;
/** Events the server sends to `/game` clients. */
export type GameServerToClientEvents = ServerEvents<GameContract>;

export type GameCreateInput = z.input<typeof GameCreate>;
export type GameJoinInput = z.input<typeof GameJoin>;
export type GameQuickplayInput = z.input<typeof GameQuickplay>;
export type GameInputInput = z.input<typeof GameInput>;
export type GameSpectateInput = z.input<typeof GameSpectate>;
export type GameReplaysInput = z.input<typeof GameReplays>;
export type GameReplayInput = z.input<typeof GameReplay>;
export type Direction = z.output<typeof GameInput>["dir"];
