import { GameJoin, type GameJoinData } from "../../protocol";
import { defineEvent } from "../../realtime/registry";
import type { GameContext } from "./context";

/**
 * `game:join`: a seat in the game, or the seat still held for this user
 * (same playerId, position and score). The ack carries the snapshot the
 * deltas apply to; NOT_FOUND, CONFLICT when full. `extrapolate: true`
 * (addition) asks for the smaller deltas of a dead-reckoning client.
 */
export const joinGame = defineEvent({
  event: "game:join",
  schema: GameJoin,
  handle: ({ gameId, extrapolate }, ctx: GameContext): GameJoinData => ctx.games.join(gameId, ctx.user, ctx.connection, { extrapolate }),
});
