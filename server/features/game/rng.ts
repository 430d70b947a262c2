/** Seeded random numbers, so a game (and a test) can be replayed exactly. */

/** A source of numbers in [0, 1), like Math.random. */
export type Random = () => number;

/**
 * A generator whose whole state is one 32-bit number: `seededRandom(r.state)`
 * continues exactly where `r` is, which is all a round record needs to
 * re-simulate the round's spawns.
 */
export interface SeededRandom extends Random {
  readonly state: number;
}

/**
 * mulberry32: a tiny, fast 32-bit generator; plenty for spawn points and
 * nothing that needs to be unpredictable.
 *
 * @example
 * const random = seededRandom(42);
 * random(); // always the same first number for seed 42
 * const copy = seededRandom(random.state); // from here on, copy() === random()
 */
export function seededRandom(seed: number): SeededRandom {
  let a = seed >>> 0;
  const next = (() => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }) as SeededRandom;
  Object.defineProperty(next, "state", { get: () => a, enumerable: true });
  return next;
}

/** Whether `random` can tell its state (so a round it drives can be recorded). */
export function isSeeded(random: Random): random is SeededRandom {
  return typeof (random as Partial<SeededRandom>).state === "number";
}

/** A whole number in [min, max]. */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
