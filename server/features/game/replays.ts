import { defineGameEvent } from "./context";

/** `game:replays`: recorded rounds, newest first (every game's without `gameId`); an unknown game gives []. */
export const listReplays = defineGameEvent({
  event: "game:replays",
  handle: async ({ gameId, limit }, ctx) => ({ replays: await ctx.games.replays(gameId, limit ?? 20) }),
});
