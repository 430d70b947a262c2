import { defineChatEvent } from "../context";
import { act } from "./act";

/** `mod:promote`: makes the target a room moderator (owner and global admins only). */
export const modPromote = defineChatEvent({
  event: "mod:promote",
  handle: (input, ctx) => act(ctx, "promote", input),
});
