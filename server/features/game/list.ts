import { GameList, type GameSummary } from "../../protocol";
import { defineEvent } from "../../realtime/registry";
import type { GameContext } from "./context";

/**
 * `game:list`: the games on this node, full ones included, oldest first; at
 * most `limit` (addition; default and ceiling PARLOR_MAX_LIST), with `hasMore`.
 */
export const listGames = defineEvent({
  event: "game:list",
  schema: GameList,
  handle: ({ limit }, ctx: GameContext): { games: GameSummary[]; hasMore: boolean } => {
    const max = Math.min(limit ?? ctx.maxListItems, ctx.maxListItems);
    return { games: ctx.games.list(max), hasMore: ctx.games.count > max };
  },
});
