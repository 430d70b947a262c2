/** `POST /api/session`: a name in, a signed token out. */
import type { User } from "../../server/protocol";
import { ParlorError } from "./errors";

/** What `POST /api/session` answers (201). */
export interface ParlorSession {
  token: string;
  user: User;
  /** Expiry of the token, ms since epoch. */
  expiresAt: number;
}

/**
 * Creates a session for `name` on the server at `url`.
 *
 * @example
 * const session = await createSession("http://localhost:3000", "Ada");
 * session.user.id; // stable for as long as the token is valid
 */
export async function createSession(url: string, name: string, timeoutMs = 10_000): Promise<ParlorSession> {
  let res: Response;
  try {
    res = await fetch(new URL("/api/session", url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new ParlorError("CONNECT_FAILED", `cannot reach ${url}: ${(err as Error).message}`);
  }
  const body = (await res.json().catch(() => undefined)) as
    (ParlorSession & { error?: { code?: string; message?: string; details?: unknown } }) | undefined;
  if (res.status === 201 && body && typeof body.token === "string")
    return { token: body.token, user: body.user, expiresAt: body.expiresAt };
  const error = body?.error;
  const code = typeof error?.code === "string" ? (error.code as ParlorError["code"]) : "INTERNAL";
  throw new ParlorError(code, error?.message ?? `POST /api/session answered HTTP ${res.status}`, error?.details);
}
