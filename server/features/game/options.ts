/**
 * The rules and timings of an Orbs game. Defaults follow PROTOCOL.md; tests
 * and the config shorten the timings so they run fast.
 */
export interface GameOptions {
  /** Simulation steps per second; deltas go out at the same rate. */
  tickHz: number;
  /** The world is a `worldSize` × `worldSize` square. */
  worldSize: number;
  /** World units per second, on each axis for straight moves (diagonals are normalised). */
  playerSpeed: number;
  playerRadius: number;
  orbRadius: number;
  /** Orbs on the field at most; below it, one new orb per tick. */
  orbCap: number;
  /** The first player to reach this score wins the round (PARLOR_GAME_WIN_SCORE). */
  winScore: number;
  /** Pause between `game:over` and the next round. */
  restartDelayMs: number;
  /** How long a disconnected player keeps seat, position and score. */
  reservationMs: number;
  /** A game nobody has joined is disposed after this long. */
  emptyGameTtlMs: number;
  /** `game:input` events applied per player per sliding second; the rest are dropped. */
  maxInputsPerSecond: number;
  defaultMaxPlayers: number;
  /** Spectators one game takes at most (CONFLICT beyond). */
  maxSpectators: number;
}

/** The options a simulation step depends on: a round record carries them, so a replay keeps the rules it was played with. */
export type SimRules = Pick<GameOptions, "tickHz" | "worldSize" | "playerSpeed" | "playerRadius" | "orbRadius" | "orbCap" | "winScore">;

/** The simulation rules of `options`, and nothing else. */
export function simRules(options: SimRules): SimRules {
  const { tickHz, worldSize, playerSpeed, playerRadius, orbRadius, orbCap, winScore } = options;
  return { tickHz, worldSize, playerSpeed, playerRadius, orbRadius, orbCap, winScore };
}

export const DEFAULT_GAME_OPTIONS: Readonly<GameOptions> = Object.freeze({
  tickHz: 20,
  worldSize: 1000,
  playerSpeed: 200,
  playerRadius: 20,
  orbRadius: 8,
  orbCap: 20,
  winScore: 10,
  restartDelayMs: 3000,
  reservationMs: 30_000,
  emptyGameTtlMs: 30_000,
  maxInputsPerSecond: 60,
  defaultMaxPlayers: 8,
  maxSpectators: 100,
});

/** Defaults with `overrides` on top (undefined values keep the default). */
export function gameOptions(overrides: Partial<GameOptions> = {}): GameOptions {
  const out: GameOptions = { ...DEFAULT_GAME_OPTIONS };
  for (const [key, value] of Object.entries(overrides) as [keyof GameOptions, number | undefined][]) {
    if (value !== undefined) out[key] = value;
  }
  return out;
}
