import { createHash } from "node:crypto";
import { canonicalState, stateHash } from "../../../server/features/game/state-hash";
import type { GameDelta, GameOver, Snapshot } from "../../../server/protocol";
import { applyDelta, fromSnapshot, toSnapshot, type SyncState } from "../../../static/game-sync";
import { arena, playBots } from "./bots";

const state: Snapshot = {
  tick: 42,
  players: [
    { id: "p2", name: "Bob", x: 30, y: 40, vx: 0, vy: -200, score: 3 },
    { id: "p10", name: "Ada", x: 500, y: 20, vx: 140, vy: 140, score: 10 },
  ],
  orbs: [
    { id: "o7", x: 1, y: 2 },
    { id: "o12", x: 3, y: 4 },
  ],
};

test("the canonical text: a version line, then [tick, players, orbs] sorted by id, without names", () => {
  expect(canonicalState(state)).toBe('orbs-state-v1\n[42,[["p10",500,20,140,140,10],["p2",30,40,0,-200,3]],[["o12",3,4],["o7",1,2]]]');
  expect(stateHash(state)).toBe(createHash("sha256").update(canonicalState(state)).digest("hex"));
  // Pinned: a change to the format is a protocol change (clients may compute it).
  expect(stateHash(state)).toBe("4de02b1a82fafc3ab94c6fab4f5cfbe7bf459a9cdd98ab80c05ba4c5e3e952bf");
});

test("the hash ignores order and names, and sees every coordinate, velocity, score, id and the tick", () => {
  const base = stateHash(state);
  expect(
    stateHash({ ...state, players: [...state.players].reverse().map((p) => ({ ...p, name: "x" })), orbs: [...state.orbs].reverse() }),
  ).toBe(base);
  const variants: Snapshot[] = [
    { ...state, tick: 43 },
    { ...state, players: [{ ...state.players[0], x: 31 }, state.players[1]] },
    { ...state, players: [{ ...state.players[0], vy: 0 }, state.players[1]] },
    { ...state, players: [{ ...state.players[0], score: 4 }, state.players[1]] },
    { ...state, players: [{ ...state.players[0], id: "p3" }, state.players[1]] },
    { ...state, players: [state.players[1]] },
    { ...state, orbs: [{ ...state.orbs[0], y: 3 }, state.orbs[1]] },
    { ...state, orbs: [state.orbs[0]] },
  ];
  const hashes = new Set(variants.map(stateHash));
  expect(hashes.size).toBe(variants.length);
  expect(hashes.has(base)).toBe(false);
});

test("a client that applies a spectator's state and deltas with game-sync computes the game:over stateHash itself", () => {
  const a = arena(23);
  const watcher = { id: "watch" };
  playBots(a, 23, 20, 6, watcher);
  let synced: SyncState | undefined;
  let checked = 0;
  for (const { to, event, payload } of a.transport.sent) {
    if (to !== watcher.id) continue;
    if (event === "game:state") synced = fromSnapshot(payload as Snapshot);
    else if (event === "game:delta") applyDelta(synced!, payload as GameDelta);
    else if (event === "game:over") {
      expect(stateHash(toSnapshot(synced!))).toBe((payload as GameOver).stateHash);
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(2);
  a.games.disposeAll();
});
