// @ts-check
// Orbs state sync, shared by the game page, the bots and the tests: a client's
// copy of the world is its join snapshot with every game:delta applied in
// order. Every player whose position or velocity changed is in `moved`; a
// player that is not stood still (velocity 0), so `advance` only matters for
// rendering between ticks (the page interpolates with it).
// Plain JS so the browser loads it with <script src> (as window.OrbsSync) and
// Node requires it (types in game-sync.d.ts).
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.OrbsSync = factory();
})(/** @type {{ OrbsSync?: unknown }} */ (globalThis), function () {
  "use strict";

  /** @typedef {import("../server/protocol").Player} Player */
  /** @typedef {import("../server/protocol").Snapshot} Snapshot */
  /** @typedef {import("../server/protocol").GameDelta} GameDelta */
  /** @typedef {import("./game-sync").SyncState} SyncState */

  /**
   * @param {Player} p
   * @returns {Player}
   */
  function copyPlayer(p) {
    return { id: p.id, name: p.name, x: p.x, y: p.y, vx: p.vx, vy: p.vy, score: p.score };
  }

  /** The protocol's tick rate (PROTOCOL.md: deltas at 20 Hz). */
  const TICK_HZ = 20;

  /**
   * A client state from a `game:state` snapshot (or the join ack's `state`).
   *
   * @param {Snapshot} snapshot
   * @param {number} [tickHz]
   * @returns {SyncState}
   */
  function fromSnapshot(snapshot, tickHz) {
    const players = new Map();
    const orbs = new Map();
    for (const p of snapshot.players) players.set(p.id, copyPlayer(p));
    for (const o of snapshot.orbs) orbs.set(o.id, { id: o.id, x: o.x, y: o.y });
    return { tick: snapshot.tick, tickHz: tickHz || TICK_HZ, players, orbs };
  }

  /**
   * Moves every player on to `tick` at its velocity: the state as it is at that tick if no delta says otherwise.
   *
   * @param {SyncState} state
   * @param {number} tick
   */
  function advance(state, tick) {
    const ticks = tick - state.tick;
    if (ticks <= 0) return;
    for (const p of state.players.values()) {
      if (p.vx !== 0) p.x += (p.vx * ticks) / state.tickHz;
      if (p.vy !== 0) p.y += (p.vy * ticks) / state.tickHz;
    }
    state.tick = tick;
  }

  /**
   * Applies one `game:delta` in place. Every part is an upsert or a delete, so
   * a change the join snapshot already had is harmless. A delta not newer than
   * the state (sent before a resync snapshot) is ignored: returns false.
   *
   * @param {SyncState} state
   * @param {GameDelta} delta
   */
  function applyDelta(state, delta) {
    if (delta.tick <= state.tick) return false;
    advance(state, delta.tick);
    if (delta.joined) for (const p of delta.joined) state.players.set(p.id, copyPlayer(p));
    if (delta.moved) {
      for (const m of delta.moved) {
        const p = state.players.get(m.id);
        if (!p) continue;
        p.x = m.x;
        p.y = m.y;
        p.vx = m.vx;
        p.vy = m.vy;
      }
    }
    if (delta.scores) {
      for (const id of Object.keys(delta.scores)) {
        const p = state.players.get(id);
        if (p) p.score = delta.scores[id];
      }
    }
    if (delta.left) for (const id of delta.left) state.players.delete(id);
    if (delta.spawned) for (const o of delta.spawned) state.orbs.set(o.id, { id: o.id, x: o.x, y: o.y });
    if (delta.removed) for (const id of delta.removed) state.orbs.delete(id);
    state.tick = delta.tick;
    return true;
  }

  /**
   * The state as a snapshot (players and orbs in the order the server holds them).
   *
   * @param {SyncState} state
   * @returns {Snapshot}
   */
  function toSnapshot(state) {
    return {
      tick: state.tick,
      players: Array.from(state.players.values(), copyPlayer),
      orbs: Array.from(state.orbs.values(), (o) => ({ id: o.id, x: o.x, y: o.y })),
    };
  }

  /** @type {typeof import("./game-sync")} */
  const api = { TICK_HZ, fromSnapshot, advance, applyDelta, toSnapshot };
  return api;
});
