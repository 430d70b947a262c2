/**
 * Re-simulation of a recorded round: the world is rebuilt from the record's
 * start state and seed, the recorded events are applied at their ticks, and
 * the world steps exactly as the live room stepped it. The world is pure and
 * its numbers are whole, so the replayed `game:over` (scores and stateHash)
 * equals the live one; a record that does not lead there throws
 * `ReplayMismatch` rather than showing a different round.
 */
import type { GameOver, Snapshot } from "../../protocol";
import type { Clock } from "./clock";
import { FixedStepLoop } from "./loop";
import type { RoundRecord } from "./recorder";
import { seededRandom } from "./rng";
import { stateHash } from "./state-hash";
import type { GameEmitter } from "./transport";
import { World, type TickChanges } from "./world";

/** The record does not re-simulate to its own ending (corrupt, or recorded by different rules). */
export class ReplayMismatch extends Error {
  constructor(record: RoundRecord, why: string) {
    super(`round ${record.id} (game ${record.gameId}, round ${record.round}) does not replay: ${why}`);
  }
}

/** One step of a replay: what changed, and on the last step the round's end. */
export interface ReplayStep {
  tick: number;
  changes: TickChanges | undefined;
  over?: GameOver;
}

/**
 * A cursor over a recorded round, one tick per `step()`.
 *
 * @example
 * const replay = new RoundReplay(record);
 * let step; do step = replay.step(); while (!step.over);
 * step.over.stateHash === record.final.stateHash;
 */
export class RoundReplay {
  readonly world: World;
  private nextEvent = 0;
  private ended = false;

  constructor(readonly record: RoundRecord) {
    this.world = new World(record.rules, seededRandom(record.seed), record.start);
  }

  get done(): boolean {
    return this.ended;
  }

  /** The state the replay starts from (its `game:state`). */
  snapshot(): Snapshot {
    return this.world.snapshot();
  }

  /** Applies the events recorded at the current tick and steps once. */
  step(): ReplayStep {
    const { record, world } = this;
    if (this.ended) throw new Error("the replay has ended");
    const events = record.events;
    for (; this.nextEvent < events.length && events[this.nextEvent].tick === world.tick; this.nextEvent++) {
      const e = events[this.nextEvent];
      if (e.type === "input") world.setDirection(e.playerId, e.dir.x, e.dir.y);
      else if (e.type === "disconnect") world.setDirection(e.playerId, 0, 0);
      else if (e.type === "leave") world.removePlayer(e.playerId);
      else if (e.type === "join") {
        const added = world.addPlayer(e.user.name).id;
        if (added !== e.playerId) throw new ReplayMismatch(record, `join at tick ${e.tick} seats ${added}, the record says ${e.playerId}`);
      }
    }
    if (this.nextEvent < events.length && events[this.nextEvent].tick < world.tick) {
      throw new ReplayMismatch(record, `event ${this.nextEvent} is out of tick order`);
    }
    const winner = world.step(true);
    if (!winner) {
      if (world.tick >= record.endTick) throw new ReplayMismatch(record, `nobody won by tick ${record.endTick}`);
      return { tick: world.tick, changes: world.takeChanges() };
    }
    if (world.tick !== record.endTick)
      throw new ReplayMismatch(record, `${winner.id} won at tick ${world.tick}, the record ends at ${record.endTick}`);
    world.freeze();
    this.ended = true;
    const over: GameOver = {
      winner: world.toPlayer(winner),
      scores: world.scores(),
      stateHash: stateHash({ tick: world.tick, players: world.players.values(), orbs: world.orbs.values() }),
    };
    return { tick: world.tick, changes: world.takeChanges(), over };
  }
}

/**
 * Re-simulates a whole round at once (no pacing): its final `game:over`.
 * Tens of microseconds per tick with 8 players: a whole round in milliseconds.
 */
export function resimulate(record: RoundRecord): GameOver {
  const replay = new RoundReplay(record);
  for (;;) {
    const { over } = replay.step();
    if (over) return over;
  }
}

export interface ReplayStreamInit {
  record: RoundRecord;
  /** 1–8: plays `tickHz × speed` ticks per second. */
  speed: number;
  clock: Clock;
  /** The viewer's emitter (transport.toConnection); the stream ends when it returns undefined (the viewer is gone). */
  target(): GameEmitter | undefined;
  /** Deltas as a dead-reckoning client wants them (the `extrapolate` addition). */
  extrapolate?: boolean;
  /** Called once when the stream ends: played to `game:over`, stopped, or failed (`err`). */
  onEnd?(err?: unknown): void;
}

/**
 * `game:replay`'s stream to one viewer: `game:state` one step after `start()`
 * (so after the ack), then a `game:delta` per tick that changed something,
 * then `game:over`. Its loop is its only timer; `stop()` clears it.
 */
export class ReplayStream {
  private readonly replay: RoundReplay;
  private readonly loop: FixedStepLoop;
  private started = false;
  private finished = false;

  constructor(private readonly init: ReplayStreamInit) {
    this.replay = new RoundReplay(init.record);
    this.loop = new FixedStepLoop(init.clock, 1000 / (init.record.rules.tickHz * init.speed), () => this.frame());
  }

  get active(): boolean {
    return !this.finished;
  }

  start(): this {
    if (!this.finished) this.loop.start();
    return this;
  }

  /** Stops streaming (`game:leave`, another activity, a disconnect). Idempotent. */
  stop(err?: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.loop.stop();
    this.init.onEnd?.(err);
  }

  private frame(): void {
    const to = this.init.target();
    if (!to) return this.stop();
    if (!this.started) {
      this.started = true;
      to.emit("game:state", this.replay.snapshot());
      return;
    }
    let step: ReplayStep;
    try {
      step = this.replay.step();
    } catch (err) {
      return this.stop(err);
    }
    const body = this.init.extrapolate ? step.changes?.extrapolated : step.changes?.exact;
    if (body) to.emit("game:delta", { ...body, ackSeq: 0 });
    if (step.over) {
      to.emit("game:over", step.over);
      this.stop();
    }
  }
}
