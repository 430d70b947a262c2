import { defineSystemEvent } from "./context";

/** `system:state`: connected clients, uptime (s), active rooms and games, node id. */
export const systemState = defineSystemEvent({
  event: "system:state",
  handle: (_input, ctx) => ctx.state(),
});
