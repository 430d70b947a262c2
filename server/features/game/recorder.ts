/**
 * Round records: everything needed to re-simulate a finished round exactly —
 * its rules, the random generator's state and the world at the start, then
 * every applied input and every seat change, each with the tick it was applied
 * at. Nothing else changes a world, so nothing else is stored.
 *
 * Ordering: an event's `tick` is `world.tick` when it was applied, that is
 * after step `tick` and before step `tick + 1`; events of one tick are kept in
 * the order they were applied. A re-simulation applies the events of tick t,
 * then steps to t + 1 (replay.ts).
 */
import { randomBytes } from "node:crypto";
import type { Direction, User } from "../../protocol";
import type { SimRules } from "./options";
import type { WorldState } from "./world";

/** A seated player and who it is. */
export interface RecordedSeat {
  playerId: string;
  user: User;
}

export type RoundEvent =
  /** The player's steering direction from the next step on (the latest `game:input` before the tick). */
  | { tick: number; type: "input"; playerId: string; dir: Direction }
  /** A new seat: the world adds the player (at a random point). */
  | { tick: number; type: "join"; playerId: string; user: User }
  /** The seat is freed (`game:leave`, or a held seat that expired). */
  | { tick: number; type: "leave"; playerId: string }
  /** The connection was lost: the player stops, the seat is held. */
  | { tick: number; type: "disconnect"; playerId: string }
  /** The held seat was taken back (no change to the world; kept for the viewer's timeline). */
  | { tick: number; type: "resume"; playerId: string };

export type SeatChange = Exclude<RoundEvent["type"], "input">;

/** A finished round, as stored (JSON-safe: plain objects, arrays and numbers). */
export interface RoundRecord {
  /** Unique across games and nodes. */
  id: string;
  gameId: string;
  /** 1 for a game's first round. */
  round: number;
  rules: SimRules;
  /** The mulberry32 state at the start: `seededRandom(seed)` gives the round's random numbers. */
  seed: number;
  start: WorldState;
  /** Players seated when the round started (a first round starts before its first join: none). */
  seats: RecordedSeat[];
  events: RoundEvent[];
  /** `world.tick` at `game:over`. */
  endTick: number;
  /** Wall-clock ms epoch of `game:over`. */
  endedAt: number;
  winner: RecordedSeat;
  final: { scores: Record<string, number>; stateHash: string };
}

/** A `game:replays` entry (PROTOCOL "`/game` v2"). */
export interface RoundSummary {
  id: string;
  gameId: string;
  round: number;
  /** Every user seated at some point of the round, in seating order. */
  players: User[];
  winner: User;
  ticks: number;
  endedAt: number;
}

/** The `game:replays` entry of a record. */
export function summarizeRound(record: RoundRecord): RoundSummary {
  const users = new Map<string, User>();
  for (const seat of record.seats) users.set(seat.user.id, seat.user);
  for (const e of record.events) if (e.type === "join" && !users.has(e.user.id)) users.set(e.user.id, e.user);
  return {
    id: record.id,
    gameId: record.gameId,
    round: record.round,
    players: [...users.values()],
    winner: record.winner.user,
    ticks: record.endTick - record.start.tick,
    endedAt: record.endedAt,
  };
}

type OpenRound = Pick<RoundRecord, "gameId" | "round" | "rules" | "seed" | "start" | "seats" | "events">;

/**
 * The round being played. Appending costs one small object per applied input
 * or seat change and nothing per tick.
 */
export class RoundRecorder {
  private open: OpenRound | undefined;

  get recording(): boolean {
    return this.open !== undefined;
  }

  /** Starts a record (dropping any open one). `start` must be a copy (`world.state()`). */
  begin(round: Omit<OpenRound, "events">): void {
    this.open = { ...round, events: [] };
  }

  input(tick: number, playerId: string, dir: Direction): void {
    this.open?.events.push({ tick, type: "input", playerId, dir });
  }

  join(tick: number, playerId: string, user: User): void {
    this.open?.events.push({ tick, type: "join", playerId, user: { id: user.id, name: user.name } });
  }

  seat(tick: number, type: Exclude<SeatChange, "join">, playerId: string): void {
    this.open?.events.push({ tick, type, playerId });
  }

  /** Ends the open record as a finished round; undefined when none is open. */
  finish(end: Pick<RoundRecord, "endTick" | "endedAt" | "winner" | "final">): RoundRecord | undefined {
    const open = this.open;
    this.open = undefined;
    return open && { id: randomBytes(8).toString("hex"), ...open, ...end };
  }

  /** Forgets the open round (nobody finished it). */
  discard(): void {
    this.open = undefined;
  }
}
