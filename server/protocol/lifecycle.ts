/** Events every authenticated namespace shares (and `/system` the first server event and `system:ping`). */
import { z } from "zod";
import { clientEvent, serverEvent } from "./contract";
import { ShutdownModel } from "./models";

/** Addition: the server is shutting down; reconnect after `reconnectAfterMs`. */
export const systemShutdown = serverEvent({
  summary: "The server is shutting down; reconnect after reconnectAfterMs.",
  payload: ShutdownModel,
});

/** Addition (PROTOCOL v2): the socket's token expired; it is disconnected next. Reconnect with a new token. */
export const authExpired = serverEvent({
  summary: "The socket's token expired; the server disconnects it next. Reconnect with a new token.",
  payload: z.strictObject({}),
});

/** PROTOCOL v2 `system:ping { t? }` on every namespace: `t` (a number or a string up to 64) is echoed, `null` when absent. */
export const systemPing = clientEvent({
  summary: "Application-level round trip on every namespace: answers { t (echoed, null when absent), serverTime }.",
  payload: z.strictObject({ t: z.union([z.number(), z.string().max(64)]).optional() }).optional(),
  ack: z.object({ t: z.union([z.number(), z.string(), z.null()]), serverTime: z.number() }),
});

/** PROTOCOL v2 "Identity v2" `auth:refresh { token }`: strict, like every payload. */
export const AuthRefreshModel = z.strictObject({ token: z.string().min(1).max(16_384) });

/** PROTOCOL v2 `auth:refresh { token }` on `/chat` and `/game`: another valid token of the same user id replaces the socket's. */
export const authRefresh = clientEvent({
  summary:
    "Replace the socket's token by another valid token of the same user id: its name, roles and expiry take effect. FORBIDDEN for another user id, UNAUTHORIZED for an invalid or expired token (the old one stays).",
  payload: AuthRefreshModel,
  ack: z.object({ expiresAt: z.number() }),
});

/** The client events of token lifetime, spread into the `/chat` and `/game` contracts. */
export const authClientEvents = { "auth:refresh": authRefresh };
