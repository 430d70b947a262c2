import { defineGameEvent } from "./context";

/** `game:quickplay`: as `game:join`, in the fullest open game or a new one. */
export const quickplay = defineGameEvent({
  event: "game:quickplay",
  handle: ({ extrapolate }, ctx) => (ctx.cluster ?? ctx.games).quickplay(ctx.user, ctx.connection, { extrapolate }),
});
