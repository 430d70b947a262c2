import { defineChatEvent } from "../context";
import { act } from "./act";

/** `mod:ban`: a kick, and until it ends the target's room:join answers FORBIDDEN { reason: "banned", until }. */
export const modBan = defineChatEvent({
  event: "mod:ban",
  handle: (input, ctx) => act(ctx, "ban", input),
});
