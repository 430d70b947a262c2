import { defineGameEvent } from "./context";

/** `game:leave`: frees the seat now (no reservation). Leaving when not in a game is a no-op. */
export const leaveGame = defineGameEvent({
  event: "game:leave",
  handle: (_input, ctx) => {
    // On a cluster the ack waits for the owner node to free the seat.
    if (ctx.cluster) return ctx.cluster.leave(ctx.connection).then(() => ({}));
    ctx.games.leave(ctx.connection);
    return {};
  },
});
