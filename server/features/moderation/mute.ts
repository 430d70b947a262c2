import { defineChatEvent } from "../context";
import { act } from "./act";

/** `mod:mute`: timed (durationMs) or until `mod:unmute`; the target's message:send answers FORBIDDEN { reason: "muted", until }. */
export const modMute = defineChatEvent({
  event: "mod:mute",
  handle: (input, ctx) => act(ctx, "mute", input),
});
