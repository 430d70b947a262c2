import { GameInput } from "../../protocol";
import { defineEvent } from "../../realtime/registry";
import type { GameContext } from "./context";

/**
 * `game:input`: movement intent, applied at the next tick. It has its own cap
 * inside the game (60 per second, excess dropped silently), so it stays out
 * of the chat-style rate limit that would answer RATE_LIMITED.
 */
export const gameInput = defineEvent({
  event: "game:input",
  schema: GameInput,
  rateLimited: false,
  handle: ({ seq, dir }, ctx: GameContext): Record<string, never> => {
    ctx.games.input(ctx.connection, seq, dir);
    return {};
  },
});
