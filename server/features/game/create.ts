import { GameCreate, type GameSummary } from "../../protocol";
import { defineEvent } from "../../realtime/registry";
import type { GameContext } from "./context";

/**
 * `game:create`: a new game. The creator is not seated: creating and joining
 * stay two steps so a lobby can set up games for others.
 */
export const createGame = defineEvent({
  event: "game:create",
  schema: GameCreate,
  handle: (input, ctx: GameContext): { game: GameSummary } => ({ game: ctx.games.create(input).summary() }),
});
