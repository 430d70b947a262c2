import { defineGameEvent } from "./context";

/**
 * `game:input`: movement intent, applied at the next tick. It stays out of the
 * chat-style per-user limit (which would answer every excess input): the
 * namespace's cheap per-connection budget (PARLOR_INPUT_RATE_PER_SEC, checked
 * before validation) drops the excess and cuts off a connection that keeps
 * flooding, and the game itself applies at most 60 per second.
 */
export const gameInput = defineGameEvent({
  event: "game:input",
  rateLimited: false,
  handle: ({ seq, dir }, ctx) => {
    // On a cluster, an input for another node's game goes there; the budgets above were this node's.
    if (ctx.cluster) ctx.cluster.input(ctx.connection, seq, dir);
    else ctx.games.input(ctx.connection, seq, dir);
  },
});
