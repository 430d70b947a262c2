import { defineChatEvent } from "../context";
import { requireModerator } from "./permissions";

export const DEFAULT_LOG_LIMIT = 50;

/** `mod:log`: the audit log, newest first; moderators of the room only. */
export const modLog = defineChatEvent({
  event: "mod:log",
  async handle({ room, before, limit }, ctx) {
    await requireModerator(ctx, room);
    return ctx.store.modLog(room, before === undefined ? undefined : Number(before), limit ?? DEFAULT_LOG_LIMIT);
  },
});
