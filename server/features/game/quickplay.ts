import { GameQuickplay, type GameJoinData } from "../../protocol";
import { defineEvent } from "../../realtime/registry";
import type { GameContext } from "./context";

/** `game:quickplay`: as `game:join`, in the fullest open game or a new one. */
export const quickplay = defineEvent({
  event: "game:quickplay",
  schema: GameQuickplay,
  handle: ({ extrapolate }, ctx: GameContext): GameJoinData => ctx.games.quickplay(ctx.user, ctx.connection, { extrapolate }),
});
