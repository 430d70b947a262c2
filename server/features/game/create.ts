import { defineGameEvent } from "./context";

/**
 * `game:create`: a new game. The creator is not seated: creating and joining
 * stay two steps so a lobby can set up games for others. A user with
 * PARLOR_MAX_GAMES_PER_USER open games gets CONFLICT (reason "too_many_games").
 */
export const createGame = defineGameEvent({
  event: "game:create",
  // On a cluster the game is listed on every node before the ack; on one node it stays synchronous.
  handle: (input, ctx) =>
    ctx.cluster
      ? ctx.cluster.create(input, ctx.user.id).then((game) => ({ game }))
      : { game: ctx.games.create(input, {}, ctx.user.id).summary() },
});
