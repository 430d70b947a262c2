/** Seeded random numbers, so a game (and a test) can be replayed exactly. */

/** A source of numbers in [0, 1), like Math.random. */
export type Random = () => number;

/**
 * mulberry32: a tiny, fast 32-bit generator; plenty for spawn points and
 * nothing that needs to be unpredictable.
 *
 * @example
 * const random = seededRandom(42);
 * random(); // always the same first number for seed 42
 */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number in [min, max]. */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
