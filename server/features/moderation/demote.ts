import { defineChatEvent } from "../context";
import { act } from "./act";

/** `mod:demote`: takes the room moderator role away (owner and global admins only). */
export const modDemote = defineChatEvent({
  event: "mod:demote",
  handle: (input, ctx) => act(ctx, "demote", input),
});
