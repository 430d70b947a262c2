/**
 * The Orbs world: players, orbs and one fixed simulation step. Pure and
 * deterministic given its random source (no clock, no I/O), so the rules are
 * unit-tested by stepping it. It also records what changed since the last
 * `takeChanges()`, which is all a delta is built from: nothing is diffed and
 * nothing is serialised per tick.
 *
 * Positions are whole numbers and a velocity moves a whole number of units
 * per tick. A player is "moved" in a tick when its position or its velocity
 * changed (PROTOCOL.md: a delta carries what changed), so a client that just
 * applies deltas has the server's state; a standing player costs nothing.
 * For clients that extrapolate (the `extrapolate` addition), a player is
 * "steered" only when `x + vx / tickHz` stops being exact: its velocity
 * changed or a wall stopped it. Every steered player is also moved.
 */
import type { GameDelta, Orb, Player, PlayerMove, Snapshot } from "../../protocol";
import type { SimRules } from "./options";
import { randomInt, type Random } from "./rng";

/** A player plus the direction it is steering in (never sent: clients only see velocity). */
export interface SimPlayer extends Player {
  dirX: number;
  dirY: number;
}

/** Everything in a `game:delta` except the per-recipient `ackSeq`. */
export type DeltaBody = Omit<GameDelta, "ackSeq">;

/** One tick's changes for both kinds of client; they differ only in `moved`. */
export interface TickChanges {
  /** Every player whose position or velocity changed. */
  exact: DeltaBody;
  /** Only players a client moving everyone on by velocity would get wrong; undefined when that leaves nothing to say. */
  extrapolated: DeltaBody | undefined;
}

/**
 * Everything the simulation's future depends on except the random source:
 * what a round record starts from. Players and orbs are in world order (the
 * order a step visits them, which decides who eats a contested orb).
 */
export interface WorldState {
  tick: number;
  nextPlayerId: number;
  nextOrbId: number;
  players: SimPlayer[];
  orbs: Orb[];
}

const toPlayer = (p: SimPlayer): Player => ({ id: p.id, name: p.name, x: p.x, y: p.y, vx: p.vx, vy: p.vy, score: p.score });
const toMove = (p: SimPlayer): PlayerMove => ({ id: p.id, x: p.x, y: p.y, vx: p.vx, vy: p.vy });

export class World {
  tick = 0;
  readonly players = new Map<string, SimPlayer>();
  readonly orbs = new Map<string, Orb>();
  private nextPlayerId = 1;
  private nextOrbId = 1;
  private readonly joined = new Set<string>();
  private readonly moved = new Set<string>();
  private readonly steered = new Set<string>();
  private readonly scored = new Set<string>();
  private readonly spawned = new Set<string>();
  private left: string[] = [];
  private removed: string[] = [];

  /** A new world with a full field of orbs, or (`from`) the world as it was in a `state()` copy. */
  constructor(
    private readonly options: SimRules,
    private readonly random: Random,
    from?: WorldState,
  ) {
    if (from) {
      this.tick = from.tick;
      this.nextPlayerId = from.nextPlayerId;
      this.nextOrbId = from.nextOrbId;
      for (const p of from.players) this.players.set(p.id, { ...p });
      for (const o of from.orbs) this.orbs.set(o.id, { ...o });
    } else {
      this.fillOrbs();
    }
    // Nobody has seen the world yet: joiners get it in their snapshot.
    this.clearChanges();
  }

  /** A deep copy of the simulation state (directions and id counters included). */
  state(): WorldState {
    return {
      tick: this.tick,
      nextPlayerId: this.nextPlayerId,
      nextOrbId: this.nextOrbId,
      players: [...this.players.values()].map((p) => ({ ...p })),
      orbs: [...this.orbs.values()].map((o) => ({ ...o })),
    };
  }

  /** Adds a player at a random point, standing still. */
  addPlayer(name: string): SimPlayer {
    const r = this.options.playerRadius;
    const player: SimPlayer = {
      id: `p${this.nextPlayerId++}`,
      name,
      x: randomInt(this.random, r, this.options.worldSize - r),
      y: randomInt(this.random, r, this.options.worldSize - r),
      vx: 0,
      vy: 0,
      score: 0,
      dirX: 0,
      dirY: 0,
    };
    this.players.set(player.id, player);
    this.joined.add(player.id);
    return player;
  }

  removePlayer(id: string): void {
    if (!this.players.delete(id)) return;
    this.joined.delete(id);
    this.moved.delete(id);
    this.steered.delete(id);
    this.scored.delete(id);
    this.left.push(id);
  }

  /** The direction a player steers in from the next step on (each axis -1, 0 or 1). */
  setDirection(id: string, x: number, y: number): void {
    const p = this.players.get(id);
    if (!p) return;
    p.dirX = x;
    p.dirY = y;
  }

  /**
   * One step: moves players (when `moving`), lets them eat orbs, tops the orbs
   * up, and returns the round's winner if someone reached the winning score.
   */
  step(moving: boolean): SimPlayer | undefined {
    this.tick++;
    if (!moving) return undefined;
    const { playerSpeed, playerRadius: r, orbRadius, worldSize, tickHz, winScore } = this.options;
    const reach = (r + orbRadius) ** 2;
    // Units per tick on each axis: whole numbers, diagonals scaled by 1/√2 (140 instead of 141.42 per second).
    const straight = Math.round(playerSpeed / tickHz);
    const diagonal = Math.round((playerSpeed * Math.SQRT1_2) / tickHz);
    let winner: SimPlayer | undefined;
    for (const p of this.players.values()) {
      const step = p.dirX !== 0 && p.dirY !== 0 ? diagonal : straight;
      const tx = p.x + p.dirX * step;
      const ty = p.y + p.dirY * step;
      const x = Math.min(worldSize - r, Math.max(r, tx));
      const y = Math.min(worldSize - r, Math.max(r, ty));
      // Against a wall the player stops on that axis: clients must not extrapolate into it.
      const vx = x === tx ? p.dirX * step * tickHz : 0;
      const vy = y === ty ? p.dirY * step * tickHz : 0;
      const changedVelocity = vx !== p.vx || vy !== p.vy;
      if (changedVelocity || x !== p.x || y !== p.y) this.moved.add(p.id);
      // What a client moving the player on by its last velocity computes.
      const predicted = x === p.x + p.vx / tickHz && y === p.y + p.vy / tickHz;
      if (changedVelocity || !predicted) this.steered.add(p.id);
      p.x = x;
      p.y = y;
      p.vx = vx + 0; // no -0 on the wire
      p.vy = vy + 0;
      for (const orb of this.orbs.values()) {
        if ((orb.x - p.x) ** 2 + (orb.y - p.y) ** 2 > reach) continue;
        this.removeOrb(orb.id);
        p.score++;
        this.scored.add(p.id);
      }
      if (p.score >= winScore && (!winner || p.score > winner.score)) winner = p;
    }
    if (this.orbs.size < this.options.orbCap) this.spawnOrb();
    return winner;
  }

  /** Stops every player where it is (the round is over). */
  freeze(): void {
    for (const p of this.players.values()) {
      if (p.vx === 0 && p.vy === 0) continue;
      p.vx = 0;
      p.vy = 0;
      this.moved.add(p.id);
      this.steered.add(p.id);
    }
  }

  /**
   * A new round: scores to 0, players at new random points, fresh orbs.
   * Directions are kept so a held key keeps working. Forgets pending changes:
   * the caller sends everyone a snapshot instead.
   */
  resetRound(): void {
    const r = this.options.playerRadius;
    for (const p of this.players.values()) {
      p.x = randomInt(this.random, r, this.options.worldSize - r);
      p.y = randomInt(this.random, r, this.options.worldSize - r);
      p.vx = 0;
      p.vy = 0;
      p.score = 0;
    }
    this.orbs.clear();
    this.fillOrbs();
    this.clearChanges();
  }

  /** The full state, as plain protocol objects. */
  snapshot(): Snapshot {
    return { tick: this.tick, players: [...this.players.values()].map(toPlayer), orbs: [...this.orbs.values()].map((o) => ({ ...o })) };
  }

  scores(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const p of this.players.values()) out[p.id] = p.score;
    return out;
  }

  toPlayer(p: SimPlayer): Player {
    return toPlayer(p);
  }

  /** What changed since the last call (empty parts left out), or undefined when nothing did. */
  takeChanges(): TickChanges | undefined {
    if (!this.joined.size && !this.moved.size && !this.scored.size && !this.spawned.size && !this.left.length && !this.removed.length) {
      return undefined;
    }
    const body: DeltaBody = { tick: this.tick };
    if (this.joined.size) body.joined = [...this.joined].map((id) => toPlayer(this.players.get(id)!));
    if (this.left.length) body.left = this.left;
    if (this.spawned.size) body.spawned = [...this.spawned].map((id) => ({ ...this.orbs.get(id)! }));
    if (this.removed.length) body.removed = this.removed;
    if (this.scored.size) {
      const scores: Record<string, number> = {};
      for (const id of this.scored) if (!this.joined.has(id)) scores[id] = this.players.get(id)!.score;
      if (Object.keys(scores).length) body.scores = scores;
    }
    const moved = this.moves(this.moved);
    const steered = this.steered.size === this.moved.size ? moved : this.moves(this.steered);
    const exact = moved.length ? { ...body, moved } : body;
    const extrapolated = steered.length ? { ...body, moved: steered } : Object.keys(body).length > 1 ? body : undefined;
    this.clearChanges();
    return { exact, extrapolated };
  }

  clearChanges(): void {
    this.joined.clear();
    this.moved.clear();
    this.steered.clear();
    this.scored.clear();
    this.spawned.clear();
    this.left = [];
    this.removed = [];
  }

  /** `moved` entries of `ids`, leaving out joiners (their `joined` entry already has the position). */
  private moves(ids: Set<string>): PlayerMove[] {
    const out: PlayerMove[] = [];
    for (const id of ids) if (!this.joined.has(id)) out.push(toMove(this.players.get(id)!));
    return out;
  }

  private removeOrb(id: string): void {
    this.orbs.delete(id);
    // An orb born and eaten between two deltas never needs to be mentioned.
    if (!this.spawned.delete(id)) this.removed.push(id);
  }

  private spawnOrb(): void {
    const m = this.options.orbRadius;
    const orb: Orb = {
      id: `o${this.nextOrbId++}`,
      x: randomInt(this.random, m, this.options.worldSize - m),
      y: randomInt(this.random, m, this.options.worldSize - m),
    };
    this.orbs.set(orb.id, orb);
    this.spawned.add(orb.id);
  }

  private fillOrbs(): void {
    while (this.orbs.size < this.options.orbCap) this.spawnOrb();
  }
}
