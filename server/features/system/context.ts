/**
 * What a `/system` handler may use. `/system` has no user: its events are
 * budgeted per connection and per client address by the namespace
 * (security/event-budget.ts), before validation.
 */
import { type SystemContract, systemContract, type SystemState } from "../../protocol";
import { eventDefiner } from "../../realtime/registry";

export interface SystemContext {
  /** Live figures for `system:state`, computed on demand. */
  state(): Promise<SystemState>;
}

/** Declares a `/system` event: its name must be in the system contract, its handler returns that event's ack data. */
export const defineSystemEvent = eventDefiner<SystemContract, SystemContext>(systemContract);
