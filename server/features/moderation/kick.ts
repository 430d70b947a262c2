import { defineChatEvent } from "../context";
import { act } from "./act";

/** `mod:kick`: out of the room on every node, membership ended, `room:removed`; the target may join again. */
export const modKick = defineChatEvent({
  event: "mod:kick",
  handle: (input, ctx) => act(ctx, "kick", input),
});
