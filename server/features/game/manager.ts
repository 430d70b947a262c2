/**
 * GameManager: the games of this node. Creates rooms, finds them, does the
 * matchmaking, moves connections between games, and disposes them all on
 * shutdown. Handlers talk to it; it talks to rooms.
 *
 * A connection does one thing at a time: play (a seat), spectate, or watch a
 * replay. Starting one ends the others as `game:leave` would.
 */
import { randomBytes } from "node:crypto";
import { AppError } from "../../errors";
import type { Direction, GameCreateInput, GameJoinData, GameSummary, Player, Snapshot, User } from "../../protocol";
import { MemoryRoundArchive, type RoundArchive } from "./archive";
import { systemClock, type Clock } from "./clock";
import { gameOptions, type GameOptions } from "./options";
import { seededRandom, type Random } from "./rng";
import type { RoundSummary } from "./recorder";
import { ReplayStream } from "./replay";
import { GameRoom, type SeatOptions, type TickObserver } from "./room";
import type { GameConnection, GameTransport } from "./transport";

export interface GameManagerInit {
  transport: GameTransport;
  options?: Partial<GameOptions>;
  clock?: Clock;
  /** Seeds each room's own generator (default Math.random). */
  random?: Random;
  onError?(err: unknown, gameId: string): void;
  /**
   * Open games one user may have created at once (PARLOR_MAX_GAMES_PER_USER):
   * every game ticks until it is disposed, so games are a CPU budget, not a free
   * resource (16 users once created 9,173 ticking games in 30 s). Default: no cap.
   */
  maxGamesPerUser?: number;
  /** Where finished rounds go (default: in memory, `roundsPerGame` per game). */
  archive?: RoundArchive;
  /** Rounds the default archive keeps per game (default 20). */
  roundsPerGame?: number;
  /** Wall-clock ms for rounds' `endedAt` (default Date.now). */
  wallClock?(): number;
}

/** `game:spectate` ack data. */
export interface GameSpectateData {
  game: GameSummary;
  state: Snapshot;
}

/** `game:replay` ack data (the stream follows it). */
export interface GameReplayData {
  replay: { id: string; gameId: string; ticks: number; final: { scores: Record<string, number>; stateHash: string } };
}

/** Replay speeds (`game:replay { speed }`): ticks per second are `tickHz × speed`. */
export const REPLAY_SPEEDS = { min: 1, max: 8 } as const;

/** Called after each tick of each game with the tick's duration (the benchmark). */
export type TickListener = (room: GameRoom, tickMs: number) => void;

/** Hears games start and end on this node (the cluster registry). */
export interface RoomListener {
  created?(room: GameRoom): void;
  disposed?(room: GameRoom): void;
}

/** The leading player (highest score, the earliest seated on a tie) and every score. */
export function standing(room: GameRoom): { leader?: Player; scores: Record<string, number> } {
  let best: Player | undefined;
  for (const p of room.world.players.values()) if (!best || p.score > best.score) best = p;
  return { leader: best && room.world.toPlayer(room.world.players.get(best.id)!), scores: room.world.scores() };
}

export class GameManager {
  readonly options: GameOptions;
  readonly archive: RoundArchive;
  /** Replays being streamed, by viewer. */
  private readonly replaysByConnection = new Map<GameConnection, ReplayStream>();
  private readonly rooms = new Map<string, GameRoom>();
  private readonly listeners = new Set<TickListener>();
  private readonly roomListeners = new Set<RoomListener>();
  private readonly clock: Clock;
  private readonly random: Random;
  private created = 0;
  private readonly observer: TickObserver;
  /** Creator user id -> ids of their games not yet disposed. */
  private readonly byCreator = new Map<string, Set<string>>();

  constructor(private readonly init: GameManagerInit) {
    this.options = gameOptions(init.options);
    this.clock = init.clock ?? systemClock;
    this.archive = init.archive ?? new MemoryRoundArchive({ perGame: init.roundsPerGame });
    this.random = init.random ?? Math.random;
    const listeners = this.listeners;
    this.observer = {
      get enabled() {
        return listeners.size > 0;
      },
      notify: (room, ms) => {
        for (const listener of listeners) listener(room, ms);
      },
    };
  }

  /** Games on this node now. */
  get count(): number {
    return this.rooms.size;
  }

  /** The games on this node now. */
  all(): GameRoom[] {
    return [...this.rooms.values()];
  }

  get(gameId: string): GameRoom | undefined {
    return this.rooms.get(gameId);
  }

  /** Summaries of the games, oldest first; at most `limit` of them. */
  list(limit = Infinity): GameSummary[] {
    const out: GameSummary[] = [];
    for (const room of this.rooms.values()) {
      if (out.length >= limit) break;
      out.push(room.summary());
    }
    return out;
  }

  /** Games created by `userId` that are still open. */
  openGamesOf(userId: string): number {
    return this.byCreator.get(userId)?.size ?? 0;
  }

  /**
   * Creates and starts a game. `overrides` change the rules of this game only
   * (tests and embedding; not reachable from the protocol).
   *
   * @example
   * const room = games.create({ name: "Friday", maxPlayers: 4 });
   * games.create({}, {}, "u_1"); // counted against u_1's open games; CONFLICT past the cap
   */
  create(input: GameCreateInput = {}, overrides: Partial<GameOptions> = {}, creatorId?: string): GameRoom {
    const max = this.init.maxGamesPerUser ?? Infinity;
    if (creatorId !== undefined && this.openGamesOf(creatorId) >= max) {
      throw new AppError("CONFLICT", `at most ${max} open games per user: join one or wait for yours to end`, {
        reason: "too_many_games",
        limit: max,
      });
    }
    this.created++;
    let id: string;
    do id = randomBytes(4).toString("hex");
    while (this.rooms.has(id));
    const room = new GameRoom({
      id,
      name: input.name ?? `Orbs #${this.created}`,
      maxPlayers: input.maxPlayers ?? this.options.defaultMaxPlayers,
      options: { ...this.options, ...overrides },
      clock: this.clock,
      random: seededRandom(Math.floor(this.random() * 2 ** 32)),
      transport: this.init.transport,
      archive: this.archive,
      wallClock: this.init.wallClock,
      observer: this.observer,
      onDispose: (r) => {
        this.rooms.delete(r.id);
        for (const listener of this.roomListeners) listener.disposed?.(r);
        if (creatorId === undefined) return;
        const mine = this.byCreator.get(creatorId);
        mine?.delete(r.id);
        if (mine?.size === 0) this.byCreator.delete(creatorId);
      },
      onError: (err) => this.init.onError?.(err, id),
    });
    this.rooms.set(id, room);
    if (creatorId !== undefined) {
      let mine = this.byCreator.get(creatorId);
      if (!mine) this.byCreator.set(creatorId, (mine = new Set()));
      mine.add(id);
    }
    room.start();
    for (const listener of this.roomListeners) listener.created?.(room);
    return room;
  }

  /**
   * Seats the user in `gameId` on `connection`, leaving the game the
   * connection was in (only once the new seat is sure). NOT_FOUND, CONFLICT.
   */
  join(gameId: string, user: User, connection: GameConnection, options: SeatOptions = {}): GameJoinData {
    const room = this.rooms.get(gameId);
    if (!room) throw new AppError("NOT_FOUND", "no such game", { gameId });
    room.assertCanSeat(user.id);
    this.stopWatching(connection);
    if (connection.seat && connection.seat.gameId !== gameId) this.leave(connection);
    const { playerId, state } = room.join(user, connection, options);
    return { game: room.summary(), playerId, state };
  }

  /**
   * Matchmaking: a seat the user already holds, else the open game with the
   * most players and a free seat (the oldest on a tie), else a new game.
   */
  quickplay(user: User, connection: GameConnection, options: SeatOptions = {}): GameJoinData {
    let best: GameRoom | undefined;
    for (const room of this.rooms.values()) {
      if (room.hasSeatFor(user.id)) return this.join(room.id, user, connection, options);
      if (room.playerCount >= room.maxPlayers) continue;
      if (!best || room.playerCount > best.playerCount) best = room;
    }
    return this.join((best ?? this.create({}, {}, user.id)).id, user, connection, options);
  }

  /**
   * `game:spectate`: watch `gameId` without a seat (what the connection did
   * before ends first, once there is room). NOT_FOUND; CONFLICT at
   * `maxSpectators`.
   *
   * @example
   * const { game, state } = games.spectate(gameId, connection); // then game:delta, game:state, game:over
   */
  spectate(gameId: string, connection: GameConnection, options: SeatOptions = {}): GameSpectateData {
    const room = this.rooms.get(gameId);
    if (!room) throw new AppError("NOT_FOUND", "no such game", { gameId });
    room.assertCanSpectate(connection);
    this.leave(connection);
    const state = room.spectate(connection, options);
    return { game: room.summary(), state };
  }

  /** `game:replays`: recorded rounds, newest first (every game's when `gameId` is undefined). */
  replays(gameId: string | undefined, limit = 20): Promise<RoundSummary[]> {
    return this.archive.list(gameId, limit);
  }

  /**
   * `game:replay`: streams round `id` to `connection`, re-simulated (after
   * this resolves: the ack comes first). Ends what the connection did before.
   * BAD_REQUEST for a speed outside 1–8, NOT_FOUND for an unknown round.
   *
   * @example
   * const { replay } = await games.replay(id, connection, 4); // then game:state, game:delta…, game:over
   */
  async replay(id: string, connection: GameConnection, speed = 1, options: SeatOptions = {}): Promise<GameReplayData> {
    if (!Number.isInteger(speed) || speed < REPLAY_SPEEDS.min || speed > REPLAY_SPEEDS.max) {
      throw new AppError("BAD_REQUEST", `speed must be an integer from ${REPLAY_SPEEDS.min} to ${REPLAY_SPEEDS.max}`, { field: "speed" });
    }
    const record = await this.archive.get(id);
    if (!record) throw new AppError("NOT_FOUND", "no such replay", { id });
    this.leave(connection);
    const stream = new ReplayStream({
      record,
      speed,
      clock: this.clock,
      extrapolate: options.extrapolate === true,
      target: () => this.init.transport.toConnection(connection.id),
      onEnd: (err) => {
        if (this.replaysByConnection.get(connection) === stream) this.replaysByConnection.delete(connection);
        if (err) this.init.onError?.(err, record.gameId);
      },
    });
    this.replaysByConnection.set(connection, stream);
    stream.start();
    return { replay: { id: record.id, gameId: record.gameId, ticks: record.endTick - record.start.tick, final: record.final } };
  }

  /** Replays being streamed now. */
  get replayCount(): number {
    return this.replaysByConnection.size;
  }

  /** `game:leave`: gives up the seat, stops spectating, stops a replay; a no-op when doing none. */
  leave(connection: GameConnection): void {
    this.stopWatching(connection);
    if (connection.seat) this.rooms.get(connection.seat.gameId)?.leave(connection);
    connection.seat = undefined;
  }

  /** The connection is gone: its seat is held for the reservation time; spectating and replays end. */
  disconnect(connection: GameConnection): void {
    this.stopWatching(connection);
    if (connection.seat) this.rooms.get(connection.seat.gameId)?.disconnect(connection);
  }

  /** Movement intent from a connection; false when dropped. */
  input(connection: GameConnection, seq: number, dir: Direction): boolean {
    const room = connection.seat ? this.rooms.get(connection.seat.gameId) : undefined;
    return room ? room.input(connection, seq, dir) : false;
  }

  /** Listens to every tick of every game; returns the unsubscribe function. */
  observe(listener: TickListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Listens to games being created and disposed; returns the unsubscribe function. */
  watchRooms(listener: RoomListener): () => void {
    this.roomListeners.add(listener);
    return () => this.roomListeners.delete(listener);
  }

  /**
   * Ends every game for everyone in it — players and spectators, on any node:
   * `game:over` with `reason` (the leading player as `winner`; a game nobody
   * is seated in has none, so it just ends), then disposes it.
   *
   * @example
   * games.endAll("node_stopped"); // a cluster node's graceful stop
   */
  endAll(reason: string): void {
    for (const room of [...this.rooms.values()]) {
      const { leader, scores } = standing(room);
      if (leader) this.init.transport.toGame(room.id).emit("game:over", { winner: leader, scores, reason });
      room.dispose();
    }
  }

  /** Disposes every game and its timers (shutdown). */
  disposeAll(): void {
    for (const stream of [...this.replaysByConnection.values()]) stream.stop();
    for (const room of [...this.rooms.values()]) room.dispose();
  }

  /** Ends spectating and any replay of `connection`. */
  private stopWatching(connection: GameConnection): void {
    if (connection.spectating) this.rooms.get(connection.spectating.gameId)?.unspectate(connection);
    connection.spectating = undefined;
    this.replaysByConnection.get(connection)?.stop();
  }
}
