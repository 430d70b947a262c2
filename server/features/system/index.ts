import { Healthcheck, SystemStateRequest, type SystemState } from "../../protocol";
import { defineEvent } from "../../realtime/registry";

// `/system` has no user: its events are budgeted per connection and per client
// address by the namespace (security/event-budget.ts), before validation.

export interface SystemContext {
  /** Live figures for `system:state`, computed on demand. */
  state(): Promise<SystemState>;
}

/** `system:healthcheck`: answers while the process can serve events. */
export const healthcheck = defineEvent({
  event: "system:healthcheck",
  schema: Healthcheck,
  handle: (_input, _ctx: SystemContext) => ({ status: "healthy" as const }),
});

/** `system:state`: connected clients, uptime (s), active rooms and games, node id. */
export const systemState = defineEvent({
  event: "system:state",
  schema: SystemStateRequest,
  handle: (_input, ctx: SystemContext) => ctx.state(),
});

export const systemEvents = [healthcheck, systemState];
