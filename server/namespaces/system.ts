/**
 * `/system`: open (no token), health and live figures. No user: every event,
 * unknown ones too, is budgeted per connection and per client address
 * (the `admit` hooks the app passes).
 */
import type { SystemContext } from "../features/system/context";
import { healthcheck } from "../features/system/healthcheck";
import { systemPing } from "../features/system/ping";
import { systemState } from "../features/system/state";
import type { Logger } from "../logger";
import type { SystemContract } from "../protocol";
import { registerEvents, type NamespaceHandlers, type RegistryHooks } from "../realtime/registry";
import type { SystemNamespace } from "../realtime/typed-namespace";

/** Every `/system` client event and its definition (checked by the compiler). */
export const systemHandlers: NamespaceHandlers<SystemContract, SystemContext> = {
  "system:healthcheck": healthcheck,
  "system:state": systemState,
  "system:ping": systemPing,
};

/**
 * @example
 * attachSystem(io.of("/system"), { state: async () => figures() }, log, hooks);
 */
export function attachSystem(nsp: SystemNamespace, ctx: SystemContext, log: Logger, hooks: RegistryHooks<SystemContext>): void {
  nsp.on("connection", (socket) => registerEvents(socket, systemHandlers, ctx, log, hooks));
}
