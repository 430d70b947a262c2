/** The `/system` namespace contract (open, no token needed). */
import type { AckCallback } from "./common";
import { Empty } from "./common";

export const Healthcheck = Empty;
export const SystemStateRequest = Empty;

export interface SystemState {
  connectedClients: number;
  uptime: number;
  rooms: number;
  games: number;
  node: string;
}

export interface SystemClientToServerEvents {
  "system:healthcheck": (ack: AckCallback<{ status: "healthy" }>) => void;
  "system:state": (ack: AckCallback<SystemState>) => void;
}

export interface SystemServerToClientEvents {
  "system:shutdown": (payload: { reason: string; reconnectAfterMs: number }) => void;
}
