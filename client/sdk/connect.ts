/** `connectParlor`: session, socket and first connect in one call. */
import { Parlor, type ParlorClientOptions } from "./client";
import { ParlorError } from "./errors";
import { createSession, type ParlorSession } from "./session";

export interface ConnectParlorOptions extends ParlorClientOptions {
  /** Display name for a new session (`POST /api/session`). */
  name?: string;
  /** An existing session (e.g. saved from an earlier run) instead of `name`. */
  session?: ParlorSession;
  /** How long the session request and first connect may take (ms, default 10000). */
  connectTimeoutMs?: number;
}

/**
 * Creates a session (unless one is given), connects `/chat` and resolves
 * once connected. Rejects with a ParlorError: `BAD_REQUEST` for a bad name,
 * `UNAUTHORIZED` for an expired session, `CONNECT_FAILED` when the server
 * cannot be reached.
 *
 * @example
 * const parlor = await connectParlor({ url: "http://localhost:3000", name: "Ada" });
 * await parlor.join("lobby");
 * await parlor.send("lobby", "hello from a script");
 * parlor.close();
 */
export async function connectParlor(opts: ConnectParlorOptions): Promise<Parlor> {
  const timeoutMs = opts.connectTimeoutMs ?? 10_000;
  let session = opts.session;
  if (!session) {
    if (opts.name === undefined) throw new ParlorError("BAD_REQUEST", "connectParlor needs a name or a session");
    session = await createSession(opts.url, opts.name, timeoutMs);
  }
  const parlor = new Parlor(session, opts);
  await parlor.open(timeoutMs);
  return parlor;
}
