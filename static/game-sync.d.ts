/** Types of game-sync.js (plain JS so the browser can load it as is). */
import type { GameDelta, Orb, Player, Snapshot } from "../server/protocol";

export interface SyncState {
  tick: number;
  players: Map<string, Player>;
  orbs: Map<string, Orb>;
}

/** A client state from a `game:state` snapshot (or the join ack's `state`). */
export function fromSnapshot(snapshot: Snapshot): SyncState;
/** Applies one `game:delta` in place; false (and nothing changed) when it is not newer than the state. */
export function applyDelta(state: SyncState, delta: GameDelta): boolean;
/** The state as a snapshot, in the server's order. */
export function toSnapshot(state: SyncState): Snapshot;
