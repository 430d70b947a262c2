import { gameOptions } from "../../../server/features/game";
import { seededRandom } from "../../../server/features/game/rng";
import { World } from "../../../server/features/game/world";

const options = gameOptions({ orbCap: 0 });
const world = (overrides = {}, seed = 1) => new World({ ...options, ...overrides }, seededRandom(seed));

function place(w: World, id: string, x: number, y: number) {
  const p = w.players.get(id)!;
  p.x = x;
  p.y = y;
  return p;
}

describe("movement", () => {
  test("a player moves speed / tickHz per step in its direction, and only moved players are reported", () => {
    const w = world();
    const a = w.addPlayer("Ada");
    const b = w.addPlayer("Bob");
    place(w, a.id, 500, 500);
    w.takeChanges();
    w.setDirection(a.id, 1, 0);
    w.step(true);
    expect(a).toMatchObject({ x: 510, y: 500, vx: 200, vy: 0 });
    expect(w.takeChanges()?.exact).toEqual({ tick: 1, moved: [{ id: a.id, x: 510, y: 500, vx: 200, vy: 0 }] });
    expect(b.vx).toBe(0);
  });

  test("diagonal moves are normalised to about the same speed, in whole units per tick", () => {
    const w = world();
    const a = place(w, w.addPlayer("Ada").id, 500, 500);
    w.setDirection(a.id, -1, 1);
    w.step(true);
    expect(a).toMatchObject({ vx: -140, vy: 140, x: 493, y: 507 });
  });

  test("a moving player is reported every tick its position changes; a standing one is not", () => {
    const w = world();
    const a = place(w, w.addPlayer("Ada").id, 500, 500);
    w.takeChanges();
    w.setDirection(a.id, 0, 1);
    w.step(true);
    expect(w.takeChanges()?.exact.moved).toEqual([{ id: a.id, x: 500, y: 510, vx: 0, vy: 200 }]);
    for (let i = 0; i < 5; i++) {
      w.step(true);
      expect(w.takeChanges()?.exact.moved).toEqual([{ id: a.id, x: 500, y: 520 + 10 * i, vx: 0, vy: 200 }]);
    }
    w.setDirection(a.id, 0, 0);
    w.step(true);
    expect(w.takeChanges()?.exact.moved).toEqual([{ id: a.id, x: 500, y: 560, vx: 0, vy: 0 }]);
    w.step(true);
    expect(w.takeChanges()).toBeUndefined();
  });

  test("a player stops at the wall, reported with zero velocity on that axis (to extrapolating clients too), and then not again", () => {
    const w = world();
    const a = place(w, w.addPlayer("Ada").id, 45, 500);
    w.setDirection(a.id, -1, 0);
    w.step(true);
    w.step(true);
    w.takeChanges();
    w.step(true); // 25 -> 20 (clamped), not the 15 that moving on by velocity would give
    const stop = [{ id: a.id, x: 20, y: 500, vx: 0, vy: 0 }];
    expect(w.takeChanges()).toEqual({ exact: { tick: 3, moved: stop }, extrapolated: { tick: 3, moved: stop } });
    w.step(true);
    expect(w.takeChanges()).toBeUndefined();
  });

  test("for extrapolating clients a player is named once per change of velocity, and a client moving it on by velocity agrees", () => {
    const w = world();
    const a = place(w, w.addPlayer("Ada").id, 500, 500);
    const b = place(w, w.addPlayer("Bob").id, 100, 100);
    w.takeChanges();
    w.setDirection(a.id, 0, 1);
    w.setDirection(b.id, 1, 1);
    w.step(true);
    expect(w.takeChanges()?.extrapolated?.moved).toEqual([
      { id: a.id, x: 500, y: 510, vx: 0, vy: 200 },
      { id: b.id, x: 107, y: 107, vx: 140, vy: 140 },
    ]);
    for (let i = 0; i < 5; i++) {
      w.step(true);
      const changes = w.takeChanges()!;
      expect(changes.exact.moved).toHaveLength(2);
      expect(changes.extrapolated).toBeUndefined();
    }
    // 510 + 200 × 5 / 20 and 107 + 140 × 5 / 20: exactly where every client has them.
    expect([a.y, b.x, b.y]).toEqual([560, 142, 142]);
    w.setDirection(a.id, 0, 0);
    w.step(true);
    expect(w.takeChanges()?.extrapolated?.moved).toEqual([{ id: a.id, x: 500, y: 560, vx: 0, vy: 0 }]);
  });

  test("a step that is not moving (round over) only counts the tick", () => {
    const w = world();
    const a = place(w, w.addPlayer("Ada").id, 500, 500);
    w.setDirection(a.id, 1, 0);
    w.takeChanges();
    w.step(false);
    expect(a.x).toBe(500);
    expect(w.tick).toBe(1);
    expect(w.takeChanges()).toBeUndefined();
  });
});

describe("orbs, collision and scoring", () => {
  test("touching an orb scores 1 and removes it; the delta names both", () => {
    const w = world({ orbCap: 1 });
    const a = place(w, w.addPlayer("Ada").id, 300, 300);
    const [orb] = [...w.orbs.values()];
    orb.x = 300 + 27; // reach is radius 20 + orb 8 = 28
    orb.y = 300;
    w.takeChanges();
    w.step(true);
    expect(a.score).toBe(1);
    expect(w.orbs.has(orb.id)).toBe(false);
    const changes = w.takeChanges()!.exact;
    expect(changes.removed).toEqual([orb.id]);
    expect(changes.scores).toEqual({ [a.id]: 1 });
    // The cap is topped up, one orb per step.
    expect(changes.spawned).toHaveLength(1);
  });

  test("an orb just out of reach stays", () => {
    const w = world({ orbCap: 1 });
    const a = place(w, w.addPlayer("Ada").id, 300, 300);
    const [orb] = [...w.orbs.values()];
    orb.x = 300 + 29;
    orb.y = 300;
    w.step(true);
    expect(a.score).toBe(0);
    expect(w.orbs.has(orb.id)).toBe(true);
  });

  test("orbs spawn up to the cap, one per step, and a new world starts full", () => {
    const w = world({ orbCap: 5 });
    expect(w.orbs.size).toBe(5);
    expect(w.takeChanges()).toBeUndefined();
    w.orbs.clear();
    for (let i = 0; i < 10; i++) w.step(true);
    expect(w.orbs.size).toBe(5);
  });

  test("an orb spawned and eaten between two deltas is never mentioned", () => {
    const w = world({ orbCap: 1 });
    const a = place(w, w.addPlayer("Ada").id, 300, 300);
    w.orbs.clear();
    w.takeChanges();
    w.step(true); // spawns one
    const [orb] = [...w.orbs.values()];
    orb.x = a.x;
    orb.y = a.y;
    w.step(true); // eats it, spawns another
    const changes = w.takeChanges()!.exact;
    expect(changes.removed).toBeUndefined();
    expect(changes.spawned?.map((o) => o.id)).not.toContain(orb.id);
  });
});

describe("winning and rounds", () => {
  test("the player reaching the winning score is the winner", () => {
    const w = world({ orbCap: 1, winScore: 3 });
    const a = place(w, w.addPlayer("Ada").id, 300, 300);
    a.score = 2;
    const [orb] = [...w.orbs.values()];
    orb.x = 300;
    orb.y = 300;
    expect(w.step(true)).toBe(a);
  });

  test("resetRound zeroes scores, moves everyone, refills orbs and forgets pending changes", () => {
    const w = world({ orbCap: 4 });
    const a = w.addPlayer("Ada");
    a.score = 7;
    w.orbs.clear();
    w.resetRound();
    expect(a.score).toBe(0);
    expect(w.orbs.size).toBe(4);
    expect(w.takeChanges()).toBeUndefined();
  });

  test("the same seed gives the same game", () => {
    const run = () => {
      const w = world({ orbCap: 10 }, 42);
      const a = w.addPlayer("Ada");
      w.setDirection(a.id, 1, 1);
      for (let i = 0; i < 100; i++) w.step(true);
      return w.snapshot();
    };
    expect(run()).toEqual(run());
  });
});
