import { GameList, type GameSummary } from "../../protocol";
import { defineEvent } from "../../realtime/registry";
import type { GameContext } from "./context";

/** `game:list`: every game on this node, full ones included. */
export const listGames = defineEvent({
  event: "game:list",
  schema: GameList,
  handle: (_input, ctx: GameContext): { games: GameSummary[] } => ({ games: ctx.games.list() }),
});
