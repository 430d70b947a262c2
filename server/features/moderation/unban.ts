import { defineChatEvent } from "../context";
import { act } from "./act";

/** `mod:unban`: ends a ban (logged even when there was none). */
export const modUnban = defineChatEvent({
  event: "mod:unban",
  handle: (input, ctx) => act(ctx, "unban", input),
});
