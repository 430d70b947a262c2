/**
 * A game's seats: who holds which player, on which connection, and what each
 * connection was last told (`ackSeq`). Looked up by player id (ticks) and by
 * user id (a user holds at most one seat per game, across tabs and
 * reconnects). The room decides when seats come and go; this keeps them.
 */
import type { Direction, User } from "../../protocol";
import { InputLimiter } from "./input-limiter";
import type { GameConnection, GameTransport } from "./transport";
import type { TickChanges } from "./world";

export interface Seat {
  playerId: string;
  user: User;
  /** Undefined while the player is disconnected and the seat is held. */
  connection: GameConnection | undefined;
  reservedUntil: number;
  limiter: InputLimiter;
  /** Highest accepted `seq` since this connection joined. */
  lastSeq: number;
  pending: Direction | undefined;
  pendingSeq: number;
  /** `seq` of the last applied input, and of the last one the client was told about. */
  ackSeq: number;
  sentAckSeq: number;
  /** The connection moves players on by velocity itself: it gets the extrapolated deltas. */
  extrapolate: boolean;
}

export class Seats {
  private readonly byPlayer = new Map<string, Seat>();
  private readonly byUser = new Map<string, Seat>();

  constructor(
    private readonly gameId: string,
    private readonly maxInputsPerSecond: number,
  ) {}

  get size(): number {
    return this.byPlayer.size;
  }

  values(): IterableIterator<Seat> {
    return this.byPlayer.values();
  }

  get(playerId: string): Seat | undefined {
    return this.byPlayer.get(playerId);
  }

  ofUser(userId: string): Seat | undefined {
    return this.byUser.get(userId);
  }

  users(): string[] {
    return [...this.byUser.keys()];
  }

  /** A new seat for `user` as `playerId`, not yet on a connection. */
  add(playerId: string, user: User): Seat {
    const seat: Seat = {
      playerId,
      user: { id: user.id, name: user.name },
      connection: undefined,
      reservedUntil: Infinity,
      limiter: new InputLimiter(this.maxInputsPerSecond),
      lastSeq: 0,
      pending: undefined,
      pendingSeq: 0,
      ackSeq: 0,
      sentAckSeq: 0,
      extrapolate: false,
    };
    this.byPlayer.set(playerId, seat);
    this.byUser.set(user.id, seat);
    return seat;
  }

  /** Puts `seat` on `connection`, which numbers its inputs afresh (a (re)joining client does). */
  attach(seat: Seat, connection: GameConnection, extrapolate: boolean): void {
    seat.connection = connection;
    seat.reservedUntil = Infinity;
    seat.extrapolate = extrapolate;
    seat.lastSeq = seat.ackSeq = seat.sentAckSeq = seat.pendingSeq = 0;
    seat.pending = undefined;
    seat.limiter.reset();
    connection.seat = { gameId: this.gameId, playerId: seat.playerId };
  }

  delete(seat: Seat): void {
    this.byPlayer.delete(seat.playerId);
    this.byUser.delete(seat.user.id);
  }

  clear(): void {
    this.byPlayer.clear();
    this.byUser.clear();
  }

  /** The seat `connection` holds here now (not one it held before another tab took it over). */
  of(connection: GameConnection): Seat | undefined {
    if (connection.seat?.gameId !== this.gameId) return undefined;
    const seat = this.byPlayer.get(connection.seat.playerId);
    return seat?.connection === connection ? seat : undefined;
  }

  /**
   * Records movement intent for the next tick. Dropped (false) when `seq` is
   * not above the last one or the player is over the per-second cap.
   */
  input(seat: Seat, seq: number, dir: Direction, now: number): boolean {
    if (seq <= seat.lastSeq) return false;
    if (!seat.limiter.tryAccept(now)) return false;
    seat.lastSeq = seq;
    seat.pending = dir;
    seat.pendingSeq = seq;
    return true;
  }

  /** After a snapshot to everyone: the next delta carries every ackSeq, even with nothing else in it. */
  resendAcks(): void {
    for (const seat of this.byPlayer.values()) seat.sentAckSeq = -1;
  }

  /**
   * The tick's delta to each seated connection, each with its own `ackSeq`
   * (an otherwise empty one when only that changed).
   */
  sendDeltas(changes: TickChanges | undefined, tick: number, transport: GameTransport): void {
    for (const seat of this.byPlayer.values()) {
      if (!seat.connection) continue;
      const body = seat.extrapolate ? changes?.extrapolated : changes?.exact;
      if (!body && seat.ackSeq === seat.sentAckSeq) continue;
      seat.sentAckSeq = seat.ackSeq;
      transport
        .toConnection(seat.connection.id)
        ?.emit("game:delta", body ? { ...body, ackSeq: seat.ackSeq } : { tick, ackSeq: seat.ackSeq });
    }
  }
}
