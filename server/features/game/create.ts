import { GameCreate, type GameSummary } from "../../protocol";
import { defineEvent } from "../../realtime/registry";
import type { GameContext } from "./context";

/**
 * `game:create`: a new game. The creator is not seated: creating and joining
 * stay two steps so a lobby can set up games for others. A user with
 * PARLOR_MAX_GAMES_PER_USER open games gets CONFLICT (reason "too_many_games").
 */
export const createGame = defineEvent({
  event: "game:create",
  schema: GameCreate,
  handle: (input, ctx: GameContext): { game: GameSummary } => ({ game: ctx.games.create(input, {}, ctx.user.id).summary() }),
});
