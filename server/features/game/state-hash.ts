/**
 * `stateHash` of `game:over`: SHA-256 (hex) of a canonical text of the world
 * a client can see at the end of the round, so a live round and its
 * re-simulation can be compared by one string, and a client can check its own
 * synced copy against it (Web Crypto has SHA-256).
 *
 * The text is `orbs-state-v1\n` followed by the JSON of
 * `[tick, [[id, x, y, vx, vy, score], …], [[id, x, y], …]]`, players and orbs
 * sorted by id (string order). Every number in it is a whole number, so any
 * language's JSON writer produces the same text. Names are left out: they never
 * change in a round, and leaving them out spares other languages JSON's
 * escaping differences.
 */
import { createHash } from "node:crypto";
import type { Orb, Player } from "../../protocol";

/** What the hash covers: a Snapshot, or the world itself (SimPlayer is a Player). */
export interface HashableState {
  tick: number;
  players: Iterable<Pick<Player, "id" | "x" | "y" | "vx" | "vy" | "score">>;
  orbs: Iterable<Orb>;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The canonical text `stateHash` hashes (exported for clients and tests that want to compare it). */
export function canonicalState(state: HashableState): string {
  const players = [...state.players].sort(byId).map((p) => [p.id, p.x, p.y, p.vx, p.vy, p.score]);
  const orbs = [...state.orbs].sort(byId).map((o) => [o.id, o.x, o.y]);
  return `orbs-state-v1\n${JSON.stringify([state.tick, players, orbs])}`;
}

/**
 * @example
 * stateHash(world.snapshot()) === stateHash({ tick: world.tick, players: world.players.values(), orbs: world.orbs.values() })
 */
export function stateHash(state: HashableState): string {
  return createHash("sha256").update(canonicalState(state)).digest("hex");
}
