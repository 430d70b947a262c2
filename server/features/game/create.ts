import { defineGameEvent } from "./context";

/**
 * `game:create`: a new game. The creator is not seated: creating and joining
 * stay two steps so a lobby can set up games for others. A user with
 * PARLOR_MAX_GAMES_PER_USER open games gets CONFLICT (reason "too_many_games").
 */
export const createGame = defineGameEvent({
  event: "game:create",
  handle: async (input, ctx) => ({
    game: ctx.cluster ? await ctx.cluster.create(input, ctx.user.id) : ctx.games.create(input, {}, ctx.user.id).summary(),
  }),
});
