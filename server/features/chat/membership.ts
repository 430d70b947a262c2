import { AppError } from "../../errors";
import type { ChatContext } from "../context";

/** Throws FORBIDDEN unless the user has joined `room` (on any of their sockets). */
export async function requireMember(room: string, ctx: ChatContext): Promise<void> {
  if (!(await ctx.presence.isMember(room, ctx.user.id))) {
    throw new AppError("FORBIDDEN", `join room "${room}" first`, { room });
  }
}
