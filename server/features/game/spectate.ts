import { defineGameEvent } from "./context";

/**
 * `game:spectate`: watch a game without a seat. What the connection did
 * before (a seat, another game, a replay) ends first, as `game:leave` would.
 * NOT_FOUND; CONFLICT past `maxSpectators` (100).
 */
export const spectateGame = defineGameEvent({
  event: "game:spectate",
  handle: ({ gameId, extrapolate }, ctx) => (ctx.cluster ?? ctx.games).spectate(gameId, ctx.connection, { extrapolate }),
});
