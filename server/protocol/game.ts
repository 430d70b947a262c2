/**
 * The `/game` namespace contract (Orbs): payload schemas (the single source of
 * the payload types), the world types, ack data types and the typed event maps.
 */
import { z } from "zod";
import type { AckCallback } from "./common";
import { Empty, UserName } from "./common";

/** One axis of a direction: -1, 0 or 1. Clients send intent, never a position. */
const Axis = z.union([z.literal(-1), z.literal(0), z.literal(1)]);

/**
 * `game:list`: the games on this node. Addition: `limit` (1–1000) caps the
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

export type GameCreateInput = z.input<typeof GameCreate>;
export type GameJoinInput = z.input<typeof GameJoin>;
export type GameQuickplayInput = z.input<typeof GameQuickplay>;
export type GameInputInput = z.input<typeof GameInput>;
export type Direction = z.output<typeof GameInput>["dir"];

export type GameStatus = "waiting" | "playing";

export interface GameSummary {
  id: string;
  name: string;
  /** Seats taken, including seats held for disconnected players. */
  players: number;
  maxPlayers: number;
  /** "waiting" while fewer than two seats are taken. */
  status: GameStatus;
}

/** A player as everyone sees it; velocity in world units per second. */
export interface Player {
  id: string;
  name: string;
  x: number;
  y: number;
  vx: number;
  vy: number;
  score: number;
}

export interface Orb {
  id: string;
  x: number;
  y: number;
}

/** The full state of a game at the end of tick `tick`. */
export interface Snapshot {
  tick: number;
  players: Player[];
  orbs: Orb[];
}

/** A player whose position or velocity changed in the tick (with `extrapolate`: whose velocity changed, or a wall stopped it). */
export type PlayerMove = Pick<Player, "id" | "x" | "y" | "vx" | "vy">;

/**
 * What changed since the previous `game:delta` (or the join snapshot). Empty
 * arrays and an empty `scores` are left out. `ackSeq` is the `seq` of the
 * recipient's last applied `game:input` (0 before any).
 */
export interface GameDelta {
  tick: number;
  joined?: Player[];
  moved?: PlayerMove[];
  left?: string[];
  spawned?: Orb[];
  removed?: string[];
  scores?: Record<string, number>;
  ackSeq: number;
}

export interface GameOver {
  winner: Player;
  scores: Record<string, number>;
}

export interface GameJoinData {
  game: GameSummary;
  playerId: string;
  state: Snapshot;
}

type NoPayload = Record<string, never>;

/** Events a `/game` client sends. */
export interface GameClientToServerEvents {
  /** Every game on this node. */
  "game:list": (payload: z.input<typeof GameList>, ack: AckCallback<{ games: GameSummary[]; hasMore: boolean }>) => void;
  /** Creates a game; join it with `game:join`. */
  "game:create": (payload: GameCreateInput, ack: AckCallback<{ game: GameSummary }>) => void;
  /** Takes a seat (leaving any other game this connection is in); NOT_FOUND, CONFLICT when full. */
  "game:join": (payload: GameJoinInput, ack: AckCallback<GameJoinData>) => void;
  /** As `game:join`, in the fullest open game or a new one. */
  "game:quickplay": (payload: GameQuickplayInput, ack: AckCallback<GameJoinData>) => void;
  /** Gives up the seat; the others see the player in `left`. */
  "game:leave": (payload: NoPayload, ack: AckCallback<NoPayload>) => void;
  /** Movement intent; no ack. Inputs over 60 per second, or with a `seq` not above the last one, are dropped. */
  "game:input": (payload: GameInputInput) => void;
}

/** Events the server sends to `/game` clients. */
export interface GameServerToClientEvents {
  /** The full state: to a joining connection, and to the whole game when a new round starts. */
  "game:state": (snapshot: Snapshot) => void;
  /** Per tick (20 Hz), to each seated connection, only when something changed for it. */
  "game:delta": (delta: GameDelta) => void;
  /** To the whole game when a player reaches the winning score; a new round follows. */
  "game:over": (payload: GameOver) => void;
  /** Addition: the server is shutting down; reconnect after `reconnectAfterMs`. */
  "system:shutdown": (payload: { reason: string; reconnectAfterMs: number }) => void;
  /** Addition (PROTOCOL v2): the socket's token expired; it is disconnected next. Reconnect with a new token. */
  "auth:expired": (payload: Record<string, never>) => void;
}
