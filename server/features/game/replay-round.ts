import { defineGameEvent } from "./context";

/**
 * `game:replay`: the ack names the round and how it ends; the stream
 * (`game:state`, `game:delta`s at 20 × speed Hz, `game:over`) follows it, to
 * this connection only. NOT_FOUND; BAD_REQUEST for a speed outside 1–8.
 */
export const replayRound = defineGameEvent({
  event: "game:replay",
  handle: ({ id, speed, extrapolate }, ctx) => ctx.games.replay(id, ctx.connection, speed ?? 1, { extrapolate }),
});
