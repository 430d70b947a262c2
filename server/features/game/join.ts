import { defineGameEvent } from "./context";

/**
 * `game:join`: a seat in the game, or the seat still held for this user
 * (same playerId, position and score). The ack carries the snapshot the
 * deltas apply to; NOT_FOUND, CONFLICT when full. `extrapolate: true`
 * (addition) asks for the smaller deltas of a dead-reckoning client.
 */
export const joinGame = defineGameEvent({
  event: "game:join",
  handle: ({ gameId, extrapolate }, ctx) => (ctx.cluster ?? ctx.games).join(gameId, ctx.user, ctx.connection, { extrapolate }),
});
