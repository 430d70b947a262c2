import { GameLeave } from "../../protocol";
import { defineEvent } from "../../realtime/registry";
import type { GameContext } from "./context";

/** `game:leave`: frees the seat now (no reservation). Leaving when not in a game is a no-op. */
export const leaveGame = defineEvent({
  event: "game:leave",
  schema: GameLeave,
  handle: (_input, ctx: GameContext): Record<string, never> => {
    ctx.games.leave(ctx.connection);
    return {};
  },
});
