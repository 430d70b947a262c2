import { defineGameEvent } from "./context";

/** `game:leave`: frees the seat now (no reservation). Leaving when not in a game is a no-op. */
export const leaveGame = defineGameEvent({
  event: "game:leave",
  handle: async (_input, ctx) => {
    if (ctx.cluster) await ctx.cluster.leave(ctx.connection);
    else ctx.games.leave(ctx.connection);
    return {};
  },
});
