/**
 * `system:ping { t? }` on every namespace (PROTOCOL v2, "Connection
 * niceties"): an application-level round trip, `t` echoed (null when absent)
 * with the server's clock. One answer, filed in each namespace's handlers.
 */
import { chatContract, gameContract, systemContract } from "../../protocol";
import { defineEvent } from "../../realtime/registry";
import type { ChatContext } from "../context";
import type { GameContext } from "../game/context";
import type { SystemContext } from "./context";

/** The answer to a ping carrying `input` (the validated payload, undefined when none was sent). */
export function pong(input: { t?: number | string } | undefined): { t: number | string | null; serverTime: number } {
  return { t: input?.t ?? null, serverTime: Date.now() };
}

/** `system:ping` on `/chat` (counted against the user's rate limit like every chat event). */
export const chatPing = defineEvent<typeof chatContract, ChatContext, "system:ping">(chatContract, { event: "system:ping", handle: pong });
/** `system:ping` on `/game` (through the same registry hooks as the game events). */
export const gamePing = defineEvent<typeof gameContract, GameContext, "system:ping">(gameContract, { event: "system:ping", handle: pong });
/** `system:ping` on `/system` (budgeted per connection and address like the other /system events). */
export const systemPing = defineEvent<typeof systemContract, SystemContext, "system:ping">(systemContract, {
  event: "system:ping",
  handle: pong,
});
