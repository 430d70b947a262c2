/**
 * A game's spectators: connections that get the game's `game:state`,
 * `game:delta` and `game:over` without a seat. They are in the game's group
 * (snapshots and game over reach players and spectators in one broadcast) and
 * in a spectator group per delta kind, so a tick's delta is one broadcast for
 * all of them instead of one send each.
 */
import { AppError } from "../../errors";
import { spectatorGroup, type GameConnection, type GameTransport } from "./transport";
import type { TickChanges } from "./world";

export class Spectators {
  private readonly watching = new Map<GameConnection, boolean>();
  private exactCount = 0;

  constructor(
    private readonly gameId: string,
    private readonly transport: GameTransport,
    private readonly max: number,
  ) {}

  get count(): number {
    return this.watching.size;
  }

  has(connection: GameConnection): boolean {
    return connection.spectating?.gameId === this.gameId && this.watching.has(connection);
  }

  /** Throws CONFLICT when the game has `max` spectators already. */
  assertRoom(): void {
    if (this.watching.size >= this.max)
      throw new AppError("CONFLICT", "the game has as many spectators as it takes", { maxSpectators: this.max });
  }

  /** Adds `connection` (again: only its delta kind changes). */
  add(connection: GameConnection, extrapolate: boolean): void {
    if (this.has(connection)) this.remove(connection);
    this.assertRoom();
    this.watching.set(connection, extrapolate);
    if (!extrapolate) this.exactCount++;
    connection.spectating = { gameId: this.gameId };
    this.transport.join(connection.id, this.gameId);
    this.transport.join(connection.id, spectatorGroup(this.gameId, extrapolate));
  }

  /** Ends spectating; false when `connection` was not watching this game. */
  remove(connection: GameConnection): boolean {
    if (!this.has(connection)) return false;
    const extrapolate = this.watching.get(connection)!;
    this.watching.delete(connection);
    if (!extrapolate) this.exactCount--;
    connection.spectating = undefined;
    this.transport.leave(connection.id, this.gameId);
    this.transport.leave(connection.id, spectatorGroup(this.gameId, extrapolate));
    return true;
  }

  /** The tick's delta to every spectator (`ackSeq` 0: they send no input). */
  send(changes: TickChanges | undefined): void {
    if (!changes || this.watching.size === 0) return;
    if (this.exactCount > 0) this.transport.toGame(spectatorGroup(this.gameId, false)).emit("game:delta", { ...changes.exact, ackSeq: 0 });
    if (changes.extrapolated && this.exactCount < this.watching.size) {
      this.transport.toGame(spectatorGroup(this.gameId, true)).emit("game:delta", { ...changes.extrapolated, ackSeq: 0 });
    }
  }

  clear(): void {
    for (const connection of [...this.watching.keys()]) this.remove(connection);
  }
}
