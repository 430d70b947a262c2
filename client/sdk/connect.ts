/** `connectParlor`: session, socket and first connect in one call. */
import { Parlor, type ParlorClientOptions } from "./client";
import { ParlorError } from "./errors";
import { createSession, type ParlorSession } from "./session";
import { sessionFromToken } from "./token-keeper";

export interface ConnectParlorOptions extends ParlorClientOptions {
  /** Display name for a new session (`POST /api/session`). */
  name?: string;
  /** An existing session (e.g. saved from an earlier run) instead of `name`. */
  session?: ParlorSession;
  // With neither name nor session, the first token comes from `getToken` (ParlorClientOptions).
  /** How long the session request and first connect may take (ms, default 10000). */
  connectTimeoutMs?: number;
}

/**
 * Creates a session (unless one is given, or `getToken` gives the token), connects `/chat` and resolves
 * once connected. Rejects with a ParlorError: `BAD_REQUEST` for a bad name,
 * `UNAUTHORIZED` for an expired session, `CONNECT_FAILED` when the server
 * cannot be reached.
 *
 * @example
 * const parlor = await connectParlor({ url: "http://localhost:3000", name: "Ada" });
 * await parlor.join("lobby");
 * await parlor.send("lobby", "hello from a script");
 * parlor.close();
 *
 * @example
 * // Your own users: the backend mints a JWT; the client renews it by itself.
 * const parlor = await connectParlor({ url, getToken: async () => (await fetch("/parlor-token")).text() });
 */
export async function connectParlor(opts: ConnectParlorOptions): Promise<Parlor> {
  const timeoutMs = opts.connectTimeoutMs ?? 10_000;
  let session = opts.session;
  if (!session && opts.name === undefined && opts.getToken) session = sessionFromToken(await opts.getToken());
  if (!session) {
    if (opts.name === undefined) throw new ParlorError("BAD_REQUEST", "connectParlor needs a name, a session or getToken");
    session = await createSession(opts.url, opts.name, timeoutMs);
  }
  const parlor = new Parlor(session, opts);
  await parlor.open(timeoutMs);
  return parlor;
}
