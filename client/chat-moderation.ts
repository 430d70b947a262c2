/**
 * The terminal chat's moderation commands (/mute, /kick, /ban, /topic,
 * /slow) and how it prints moderation events. Durations: `30s`, `10m`, `2h`
 * or a number of minutes; left out, a mute or ban lasts until undone.
 */
import type { ModAction, Parlor, User } from "./sdk";

export const MODERATION_HELP = [
  "/mute <name|id> [10m] [reason]   mute someone in the current room (no duration: until unmuted)",
  "/kick <name|id> [reason]         take someone out of the current room",
  "/ban <name|id> [2h] [reason]     kick and keep out (no duration: until unbanned)",
  "/topic <text>                    set the current room's topic",
  "/slow <seconds>                  slow mode for the current room (0: off)",
];

export const MODERATION_COMMANDS = new Set(["/mute", "/kick", "/ban", "/topic", "/slow"]);

const PAST: Record<ModAction["action"], string> = {
  mute: "muted",
  unmute: "unmuted",
  kick: "kicked",
  ban: "banned",
  unban: "unbanned",
  promote: "made a moderator:",
  demote: "took the moderator role from",
  delete: "deleted a message of",
  update: "updated",
};

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

/** `10m` -> 600000; undefined when `word` is not a duration. */
export function parseDuration(word: string | undefined): number | undefined {
  const m = word?.match(/^(\d+)([smh]?)$/);
  return m ? Number(m[1]) * UNIT_MS[m[2] || "m"] : undefined;
}

/** One line about an action, as the room sees it. */
export function describeAction(a: ModAction): string {
  const who = a.target ? a.target.name : a.room;
  const until = a.until === undefined ? "" : a.until === null ? " until undone" : ` until ${new Date(a.until).toLocaleTimeString()}`;
  return `* ${a.by.name} ${PAST[a.action]} ${who}${until}${a.reason ? ` (${a.reason})` : ""}`;
}

/**
 * Runs one of MODERATION_COMMANDS in `room`; resolves with the line to print.
 *
 * @example
 * print(await runModeration(parlor, "/mute", ["bob", "10m", "spam"], "lobby", findUser));
 */
export async function runModeration(
  parlor: Parlor,
  command: string,
  args: string[],
  room: string,
  findUser: (who: string) => Promise<User>,
): Promise<string> {
  if (command === "/topic") return `* topic of #${room}: ${(await parlor.updateRoom(room, { topic: args.join(" ") })).topic}`;
  if (command === "/slow") {
    const seconds = Number(args[0]);
    if (!Number.isInteger(seconds) || seconds < 0) return "usage: /slow <seconds>";
    const info = await parlor.updateRoom(room, { slowModeMs: seconds * 1000 });
    return info.slowModeMs === 0 ? `* slow mode off in #${room}` : `* slow mode in #${room}: one message per ${info.slowModeMs / 1000} s`;
  }
  if (!args[0]) return `usage: ${MODERATION_HELP.find((h) => h.startsWith(command))?.split("  ")[0]}`;
  const target = await findUser(args[0]);
  const timed = command === "/mute" || command === "/ban";
  const durationMs = timed ? parseDuration(args[1]) : undefined;
  const reason = args.slice(durationMs === undefined ? 1 : 2).join(" ") || undefined;
  const action = await parlor.moderate(command === "/mute" ? "mute" : command === "/ban" ? "ban" : "kick", room, target.id, {
    durationMs,
    reason,
  });
  return describeAction(action);
}
