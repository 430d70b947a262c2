/** The `/system` namespace contract (open, no token needed). */
import { z } from "zod";
import { Empty } from "./common";
import { clientEvent, type ClientEvents, namespaceContract, type ServerEvents } from "./contract";
import { systemPing, systemShutdown } from "./lifecycle";
import { SystemStateModel } from "./models";

export const Healthcheck = Empty;
export const SystemStateRequest = Empty;

/** The `/system` contract: both events are sent with the ack callback as their only argument. */
export const systemContract = namespaceContract({
  client: {
    "system:healthcheck": clientEvent({
      summary: "Answers while the process can serve events. Send no payload, only the ack callback.",
      payload: Healthcheck,
      ack: z.object({ status: z.literal("healthy") }),
      noPayload: true,
    }),
    "system:state": clientEvent({
      summary: "Connected clients, uptime (s), active rooms and games, node id. Send no payload, only the ack callback.",
      payload: SystemStateRequest,
      ack: SystemStateModel,
      noPayload: true,
    }),
    "system:ping": systemPing,
  },
  server: { "system:shutdown": systemShutdown },
});
export type SystemContract = typeof systemContract;

export type SystemClientToServerEvents = ClientEvents<SystemContract>;
export type SystemServerToClientEvents = ServerEvents<SystemContract>;
