/**
 * The moderation rules both stores share: the refusals with their codes and
 * details (PROTOCOL "Moderation", "Rooms v2"), and who slow mode spares.
 */
import type { RefusalReason } from "./lifecycle";

/** Global roles that may moderate every room. */
export const MODERATING_ROLES: readonly string[] = ["admin", "moderator"];

export const moderationRefusals = {
  banned: (until: number | null): RefusalReason => ({
    code: "FORBIDDEN",
    message: "you are banned from this room",
    details: { reason: "banned", until },
  }),
  muted: (until: number | null): RefusalReason => ({
    code: "FORBIDDEN",
    message: "you are muted in this room",
    details: { reason: "muted", until },
  }),
  slowMode: (retryAfterMs: number): RefusalReason => ({
    code: "RATE_LIMITED",
    message: "slow mode: wait before sending again",
    details: { reason: "slow_mode", retryAfterMs },
  }),
  roomNotFound: { code: "NOT_FOUND", message: "no such room: nobody has joined it", details: { field: "room" } } satisfies RefusalReason,
};

/** The end of a mute or ban that starts now (null: open-ended). */
export const untilOf = (now: number, durationMs: number | undefined): number | null => (durationMs === undefined ? null : now + durationMs);
