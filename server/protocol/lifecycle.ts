/** Server events every authenticated namespace shares (and `/system` the first). */
import { z } from "zod";
import { serverEvent } from "./contract";
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
