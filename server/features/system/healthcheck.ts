import { defineSystemEvent } from "./context";

/** `system:healthcheck`: answers while the process can serve events. */
export const healthcheck = defineSystemEvent({
  event: "system:healthcheck",
  handle: () => ({ status: "healthy" }),
});
