import { defineGameEvent } from "./context";

/**
 * `game:list`: the games on this node (on a cluster, every node's), full ones
 * included, oldest first; at most `limit` (addition; default and ceiling
 * PARLOR_MAX_LIST), with `hasMore`.
 */
export const listGames = defineGameEvent({
  event: "game:list",
  handle: ({ limit }, ctx) => {
    const max = Math.min(limit ?? ctx.maxListItems, ctx.maxListItems);
    if (ctx.cluster) return ctx.cluster.list(max);
    return { games: ctx.games.list(max), hasMore: ctx.games.count > max };
  },
});
