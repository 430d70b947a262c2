import { defineChatEvent } from "../context";
import { act } from "./act";

/** `mod:unmute`: ends a mute (logged even when there was none). */
export const modUnmute = defineChatEvent({
  event: "mod:unmute",
  handle: (input, ctx) => act(ctx, "unmute", input),
});
