/**
 * GameRoom: one Orbs game, with an explicit lifecycle in the manner of a
 * Colyseus Room — created (`start`), players `join`, `leave` or `disconnect`
 * (seat held for `reservationMs`), `dispose` — owning its world and its
 * fixed-step simulation. Every timer it has is the loop's one timer, cleared
 * on dispose. Inputs only record intent; the tick applies the latest one.
 *
 * Spectators watch without a seat. Each round is recorded from its start
 * (the first seat, or the new round after `game:over`) to its `game:over`,
 * then saved to the archive; a round nobody finishes is dropped.
 */
import { AppError } from "../../errors";
import type { Direction, GameOver, GameSummary, Snapshot, User } from "../../protocol";
import type { Clock } from "./clock";
import type { RoundArchive } from "./archive";
import { FixedStepLoop } from "./loop";
import { simRules, type GameOptions } from "./options";
import { RoundRecorder, type RoundRecord } from "./recorder";
import { isSeeded, seededRandom, type Random, type SeededRandom } from "./rng";
import { Seats, type Seat } from "./seats";
import { Spectators } from "./spectators";
import { stateHash } from "./state-hash";
import type { GameConnection, GameTransport } from "./transport";
import { World } from "./world";

/** How a connection wants its deltas (the `extrapolate` addition of `game:join` / `game:quickplay`). */
export interface SeatOptions {
  extrapolate?: boolean;
}

/** Tick instrumentation (the benchmark); measuring costs nothing while `enabled` is false. */
export interface TickObserver {
  readonly enabled: boolean;
  notify(room: GameRoom, tickMs: number): void;
}

export interface GameRoomInit {
  id: string;
  name: string;
  maxPlayers: number;
  options: GameOptions;
  clock: Clock;
  /** The world's random source; a seeded one (rng.ts) is used as is, any other only seeds one. */
  random: Random;
  transport: GameTransport;
  /** Where finished rounds are saved (none: rounds are not recorded). */
  archive?: RoundArchive;
  /** Wall-clock ms for a round's `endedAt` (default Date.now). */
  wallClock?(): number;
  observer?: TickObserver;
  /** Called once, when the room has been disposed (the manager forgets it). */
  onDispose?(room: GameRoom): void;
  onError?(err: unknown): void;
}

export type RoomJoin = { playerId: string; state: Snapshot; resumed: boolean };

export class GameRoom {
  readonly id: string;
  readonly name: string;
  readonly maxPlayers: number;
  readonly world: World;
  private readonly seats: Seats;
  private readonly loop: FixedStepLoop;
  private readonly createdAt: number;
  private readonly random: SeededRandom;
  private readonly spectators: Spectators;
  private readonly recorder = new RoundRecorder();
  private rounds = 0;
  private phase: "playing" | "over" = "playing";
  private restartAt = 0;
  private isDisposed = false;

  constructor(private readonly init: GameRoomInit) {
    this.id = init.id;
    this.name = init.name;
    this.maxPlayers = init.maxPlayers;
    this.random = isSeeded(init.random) ? init.random : seededRandom(Math.floor(init.random() * 2 ** 32));
    this.world = new World(init.options, this.random);
    this.seats = new Seats(init.id, init.options.maxInputsPerSecond);
    this.spectators = new Spectators(init.id, init.transport, init.options.maxSpectators);
    this.createdAt = init.clock.now();
    this.loop = new FixedStepLoop(init.clock, 1000 / init.options.tickHz, (at) => this.tick(at));
  }

  /** onCreate: starts the simulation. */
  start(): this {
    if (!this.isDisposed) this.loop.start();
    return this;
  }

  get disposed(): boolean {
    return this.isDisposed;
  }

  /** Whether the room still holds a timer (false once disposed). */
  get hasTimers(): boolean {
    return this.loop.active;
  }

  /** Seats taken, held ones included. */
  get playerCount(): number {
    return this.seats.size;
  }

  /** Connections watching without a seat (GameSummary `spectators`). */
  get spectatorCount(): number {
    return this.spectators.count;
  }

  /** Whether the round being played is being recorded (from its first seat to its `game:over`). */
  get recording(): boolean {
    return this.recorder.recording;
  }

  summary(): GameSummary {
    const players = this.seats.size;
    return {
      id: this.id,
      name: this.name,
      players,
      maxPlayers: this.maxPlayers,
      status: players >= 2 ? "playing" : "waiting",
      spectators: this.spectators.count,
    };
  }

  /** Ids of the users holding a seat, held ones included. */
  users(): string[] {
    return this.seats.users();
  }

  hasSeatFor(userId: string): boolean {
    return this.seats.ofUser(userId) !== undefined;
  }

  /** Throws CONFLICT when `userId` would need a new seat and there is none. */
  assertCanSeat(userId: string): void {
    if (this.isDisposed) throw new AppError("NOT_FOUND", "no such game");
    if (!this.hasSeatFor(userId) && this.seats.size >= this.maxPlayers) {
      throw new AppError("CONFLICT", "the game is full", { maxPlayers: this.maxPlayers });
    }
  }

  /**
   * onJoin: seats `user` (or gives back the seat held for them, same playerId)
   * on `connection`, which then receives the game's events. The connection
   * gets `game:state` now and deltas from the next tick on.
   */
  join(user: User, connection: GameConnection, options: SeatOptions = {}): RoomJoin {
    this.assertCanSeat(user.id);
    this.spectators.remove(connection);
    let seat = this.seats.ofUser(user.id);
    const resumed = seat !== undefined;
    if (!seat) {
      if (this.phase === "playing" && !this.recorder.recording) this.beginRound();
      const player = this.world.addPlayer(user.name);
      this.recorder.join(this.world.tick, player.id, user);
      seat = this.seats.add(player.id, user);
    } else if (seat.connection && seat.connection !== connection) {
      // Another tab of the same user takes the seat over; the old one stops receiving.
      this.detach(seat.connection);
    } else if (!seat.connection) {
      this.recorder.seat(this.world.tick, "resume", seat.playerId);
    }
    this.seats.attach(seat, connection, options.extrapolate === true);
    this.init.transport.join(connection.id, this.id);
    const state = this.world.snapshot();
    this.init.transport.toConnection(connection.id)?.emit("game:state", state);
    return { playerId: seat.playerId, state, resumed };
  }

  /** onLeave (consented): the seat is freed now; the others see the player in `left`. */
  leave(connection: GameConnection): void {
    const seat = this.seats.of(connection);
    if (seat) this.removeSeat(seat);
  }

  /** onLeave (connection lost): the player stops and the seat is held for `reservationMs`. */
  disconnect(connection: GameConnection): void {
    const seat = this.seats.of(connection);
    if (!seat) return;
    this.detach(connection);
    seat.connection = undefined;
    seat.pending = undefined;
    seat.reservedUntil = this.init.clock.now() + this.init.options.reservationMs;
    this.world.setDirection(seat.playerId, 0, 0);
    this.recorder.seat(this.world.tick, "disconnect", seat.playerId);
  }

  /**
   * Adds `connection` as a spectator (a seat it has here is given up first):
   * it gets `game:state` now, then the deltas, snapshots and game overs the
   * players get. CONFLICT beyond `maxSpectators`.
   */
  spectate(connection: GameConnection, options: SeatOptions = {}): Snapshot {
    this.assertCanSpectate(connection);
    this.leave(connection);
    if (this.isDisposed) throw new AppError("NOT_FOUND", "no such game");
    this.spectators.add(connection, options.extrapolate === true);
    const state = this.world.snapshot();
    this.init.transport.toConnection(connection.id)?.emit("game:state", state);
    return state;
  }

  /** Throws NOT_FOUND once disposed, CONFLICT when `connection` would be a spectator too many. */
  assertCanSpectate(connection: GameConnection): void {
    if (this.isDisposed) throw new AppError("NOT_FOUND", "no such game");
    if (!this.spectators.has(connection)) this.spectators.assertRoom();
  }

  /** Stops `connection` spectating here; false when it was not. */
  unspectate(connection: GameConnection): boolean {
    return this.spectators.remove(connection);
  }

  /**
   * Records movement intent for the next tick. Dropped (false) when the
   * connection is not seated here, `seq` is not above the last one, or the
   * player is over the per-second cap.
   */
  input(connection: GameConnection, seq: number, dir: Direction): boolean {
    const seat = this.seats.of(connection);
    return seat ? this.seats.input(seat, seq, dir, this.init.clock.now()) : false;
  }

  snapshot(): Snapshot {
    return this.world.snapshot();
  }

  /** onDispose: stops the loop and lets every connection go. Idempotent. */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.loop.stop();
    this.recorder.discard();
    for (const seat of this.seats.values()) if (seat.connection) this.detach(seat.connection);
    this.seats.clear();
    this.spectators.clear();
    this.init.onDispose?.(this);
  }

  private detach(connection: GameConnection): void {
    connection.seat = undefined;
    this.init.transport.leave(connection.id, this.id);
  }

  private removeSeat(seat: Seat): void {
    if (seat.connection) this.detach(seat.connection);
    this.seats.delete(seat);
    this.world.removePlayer(seat.playerId);
    this.recorder.seat(this.world.tick, "leave", seat.playerId);
    if (this.seats.size === 0) this.dispose();
  }

  private tick(now: number): void {
    const observer = this.init.observer;
    const started = observer?.enabled ? performance.now() : 0;
    try {
      this.step(now);
    } catch (err) {
      this.init.onError?.(err);
    }
    if (observer?.enabled && !this.isDisposed) observer.notify(this, performance.now() - started);
  }

  private step(now: number): void {
    // Held seats expire before the step: its delta already goes without them, and the record's leave is at this tick.
    for (const seat of this.seats.values()) {
      if (!seat.connection && now >= seat.reservedUntil) this.removeSeat(seat);
    }
    if (this.isDisposed) return;
    for (const seat of this.seats.values()) {
      if (!seat.pending) continue;
      this.world.setDirection(seat.playerId, seat.pending.x, seat.pending.y);
      this.recorder.input(this.world.tick, seat.playerId, seat.pending);
      seat.ackSeq = seat.pendingSeq;
      seat.pending = undefined;
    }

    let over: GameOver | undefined;
    let resync = false;
    const winner = this.world.step(this.phase === "playing");
    if (winner) {
      this.world.freeze();
      this.phase = "over";
      this.restartAt = now + this.init.options.restartDelayMs;
      const { tick, players, orbs } = this.world;
      over = {
        winner: this.world.toPlayer(winner),
        scores: this.world.scores(),
        stateHash: stateHash({ tick, players: players.values(), orbs: orbs.values() }),
      };
      this.finishRound(over);
    } else if (this.phase === "over" && now >= this.restartAt) {
      this.world.resetRound();
      this.phase = "playing";
      resync = true;
    }

    if (this.seats.size === 0 && now - this.createdAt >= this.init.options.emptyGameTtlMs) this.dispose();
    if (this.isDisposed) return;

    if (resync) {
      // The record starts from the state the snapshot shows.
      this.beginRound();
      // Positions, scores and orbs all changed: one snapshot beats a delta naming everything.
      this.init.transport.toGame(this.id).emit("game:state", this.world.snapshot());
      this.world.clearChanges();
      // A delta of this tick would be stale next to the snapshot; the next one carries every ackSeq.
      this.seats.resendAcks();
      return;
    }
    this.sendDeltas();
    if (over) this.init.transport.toGame(this.id).emit("game:over", over);
  }

  private sendDeltas(): void {
    const changes = this.world.takeChanges();
    this.seats.sendDeltas(changes, this.world.tick, this.init.transport);
    this.spectators.send(changes);
  }

  private beginRound(): void {
    if (!this.init.archive) return;
    const seats = [...this.seats.values()].map((s) => ({ playerId: s.playerId, user: s.user }));
    this.recorder.begin({
      gameId: this.id,
      round: ++this.rounds,
      rules: simRules(this.init.options),
      seed: this.random.state,
      start: this.world.state(),
      seats,
    });
  }

  private finishRound(over: GameOver): void {
    const seat = this.seats.get(over.winner.id);
    const end = {
      endTick: this.world.tick,
      endedAt: (this.init.wallClock ?? Date.now)(),
      final: { scores: over.scores, stateHash: over.stateHash! },
    };
    const record: RoundRecord | undefined = seat && this.recorder.finish({ ...end, winner: { playerId: seat.playerId, user: seat.user } });
    this.recorder.discard();
    if (record) this.init.archive?.save(record).catch((err: unknown) => this.init.onError?.(err));
  }
}
