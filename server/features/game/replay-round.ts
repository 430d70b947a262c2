import { defineGameEvent } from "./context";

/**
 * `game:replay`: the ack names the round and how it ends; the stream
 * (`game:state`, `game:delta`s at 20 × speed Hz, `game:over`) follows it, to
 * this connection only. NOT_FOUND; BAD_REQUEST for a speed outside 1–8.
 */
export const replayRound = defineGameEvent({
  event: "game:replay",
  handle: async ({ id, speed, extrapolate }, ctx) => {
    const data = await ctx.games.replay(id, ctx.connection, speed ?? 1, { extrapolate });
    // A seat or spectating on another node ends too (here, the manager saw to it).
    await ctx.cluster?.releaseAway(ctx.connection);
    return data;
  },
});
