/** Types of game-sync.js (plain JS so the browser can load it as is). */
import type { GameDelta, Orb, Player, Snapshot } from "../server/protocol";

export interface SyncState {
  tick: number;
  tickHz: number;
  players: Map<string, Player>;
  orbs: Map<string, Orb>;
}

/** The protocol's tick rate (20). */
export const TICK_HZ: number;
/** A client state from a `game:state` snapshot (or the join ack's `state`); `tickHz` defaults to 20. */
export function fromSnapshot(snapshot: Snapshot, tickHz?: number): SyncState;
/** Moves every player on to `tick` at its velocity (dead reckoning between deltas). */
export function advance(state: SyncState, tick: number): void;
/** Applies one `game:delta` in place (advancing to its tick first); false (and nothing changed) when it is not newer than the state. */
export function applyDelta(state: SyncState, delta: GameDelta): boolean;
/** The state as a snapshot, in the server's order. */
export function toSnapshot(state: SyncState): Snapshot;
