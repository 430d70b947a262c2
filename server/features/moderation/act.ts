/**
 * The one path of every `mod:*` action: the rules (permissions.ts), the
 * action and its effect stored together (and logged), the announcement, and
 * for kicks and bans the removal from the room on every node. Ack after all
 * of it: when the moderator sees ok, the target is out.
 */
import type { ModAction } from "../../protocol";
import type { ModerateInput, ModerationKind } from "../../storage/moderation-types";
import type { ChatContext } from "../context";
import { announceAction, removeTarget } from "./announce";
import { authorizeAction } from "./permissions";

const OWNER_OR_ADMIN: readonly ModerationKind[] = ["promote", "demote"];
const REMOVES: readonly ModerationKind[] = ["kick", "ban"];

export interface ActInput {
  room: string;
  user: string;
  reason?: string;
  durationMs?: number;
}

export async function act(ctx: ChatContext, action: ModerationKind, input: ActInput): Promise<{ action: ModAction }> {
  const target = await authorizeAction(ctx, input.room, input.user, OWNER_OR_ADMIN.includes(action));
  const stored: ModerateInput = { room: input.room, action, target, by: ctx.user, reason: input.reason, durationMs: input.durationMs };
  const entry = await ctx.store.moderate(stored);
  // Before the removal: the target's sockets still in the room get it once (room and user room together).
  announceAction(ctx, entry);
  if (REMOVES.includes(action)) await removeTarget(ctx, target, entry);
  return { action: entry };
}
