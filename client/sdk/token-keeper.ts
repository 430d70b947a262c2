/**
 * Keeps a client's token alive (PROTOCOL "Identity v2"). Given a `getToken()`
 * callback — typically a call to the application's backend, which mints a
 * JWT — it refreshes the live socket with `auth:refresh` before the token
 * expires, and presents a fresh token on the next handshake after
 * `auth:expired` or an `UNAUTHORIZED` refusal.
 *
 * The claims read here are not verified: the client only uses them to know
 * when to refresh and whom it connects as; the server verifies the token.
 */
import type { User } from "../../server/protocol";
import { ParlorError } from "./errors";
import type { ParlorSession } from "./session";

/** What `getToken()` may return: a token, or a token with its expiry (ms since epoch) when it is not a JWT. */
export type TokenSource = string | { token: string; expiresAt?: number };

/** The `sub`, `name` and `exp` of a JWT (unverified), or `undefined` for anything that is not one. */
export function readJwtClaims(token: string): { user?: User; expiresAt?: number } | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as Record<string, unknown>;
    const user =
      typeof claims.sub === "string" && typeof claims.name === "string" ? { id: claims.sub, name: claims.name.trim() } : undefined;
    return { user, expiresAt: typeof claims.exp === "number" ? claims.exp * 1000 : undefined };
  } catch {
    return undefined;
  }
}

/**
 * A session from what `getToken()` returned: the expiry and user from the
 * source or the JWT's claims (`fallbackUser` when the token says nothing).
 *
 * @example
 * const session = sessionFromToken(await getToken()); // { token, user: { id: sub, name }, expiresAt: exp * 1000 }
 */
export function sessionFromToken(source: TokenSource, fallbackUser?: User): ParlorSession {
  const token = typeof source === "string" ? source : source.token;
  if (typeof token !== "string" || token === "") throw new ParlorError("UNAUTHORIZED", "getToken() returned no token");
  const claims = readJwtClaims(token);
  const user = claims?.user ?? fallbackUser;
  if (!user) throw new ParlorError("BAD_REQUEST", "getToken() returned a token without sub and name claims");
  const expiresAt = (typeof source === "string" ? undefined : source.expiresAt) ?? claims?.expiresAt ?? Number.POSITIVE_INFINITY;
  return { token, user, expiresAt };
}

export interface TokenKeeperOptions {
  getToken?: () => Promise<TokenSource>;
  /** Refresh this long before expiry (ms); at most a fifth of the token's remaining life. */
  refreshAheadMs?: number;
  /** Sends `auth:refresh { token }`; resolves with the server's `expiresAt`. */
  refresh(token: string): Promise<{ expiresAt: number }>;
  /** A refreshed or replacement token is now the session's. */
  onSession(session: ParlorSession): void;
  onError(err: ParlorError): void;
}

/** A failed refresh is tried again this much later (ms), while the token is still valid. */
const RETRY_MS = 5000;
/** A token this close to expiry (ms) is not presented at a handshake when a new one can be had. */
const HANDSHAKE_MARGIN_MS = 1000;

export class TokenKeeper {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Set by auth:expired or an UNAUTHORIZED refusal: the next handshake asks getToken() first. */
  private stale = false;
  private fetching: Promise<ParlorSession> | undefined;
  private stopped = false;
  /** Set when the server does not know auth:refresh: then only reconnects renew the token. */
  private refreshUnsupported = false;

  constructor(
    private session: ParlorSession,
    private readonly opts: TokenKeeperOptions,
  ) {}

  /** Whether tokens can be renewed (a `getToken` was given). */
  get renewable(): boolean {
    return this.opts.getToken !== undefined;
  }

  /** The token to present at a (re)connect: a new one from getToken() when the current one is stale or about to expire. */
  async forHandshake(): Promise<string> {
    if (!this.renewable || (!this.stale && this.session.expiresAt - Date.now() > HANDSHAKE_MARGIN_MS)) return this.session.token;
    try {
      const next = await this.fetch();
      this.stale = false;
      this.use(next);
      return next.token;
    } catch (err) {
      this.opts.onError(asParlorError(err));
      return this.session.token;
    }
  }

  /** The server said the token is no longer good (auth:expired, UNAUTHORIZED). */
  markStale(): void {
    this.stale = true;
    this.clear();
  }

  /** Called on every connect: plans the next refresh of the live socket. */
  schedule(): void {
    this.clear();
    if (!this.renewable || this.stopped || this.refreshUnsupported) return;
    const left = this.session.expiresAt - Date.now();
    if (!Number.isFinite(left)) return;
    const ahead = Math.min(this.opts.refreshAheadMs ?? 60_000, left / 5);
    // Timers cannot wait longer than 2^31 - 1 ms; a longer wait is planned again then.
    const wait = Math.min(Math.max(0, left - ahead), 2 ** 31 - 1);
    this.timer = setTimeout(() => void this.refreshNow(), wait);
    this.timer.unref?.();
  }

  /** The socket is down: no refresh until it is back (the reconnect presents a valid token). */
  pause(): void {
    this.clear();
  }

  stop(): void {
    this.stopped = true;
    this.clear();
  }

  private async refreshNow(): Promise<void> {
    this.timer = undefined;
    try {
      const next = await this.fetch();
      if (next.user.id !== this.session.user.id)
        throw new ParlorError("FORBIDDEN", "getToken() returned a token for another user than this client's");
      const { expiresAt } = await this.opts.refresh(next.token);
      this.use({ ...next, expiresAt });
      this.schedule();
    } catch (err) {
      const error = asParlorError(err);
      if (this.stopped) return;
      this.opts.onError(error);
      if (error.code === "UNKNOWN_EVENT") this.refreshUnsupported = true;
      // Another user's token will not become this user's by retrying; the server will expire the socket.
      if (error.code === "UNKNOWN_EVENT" || error.code === "FORBIDDEN" || error.code === "CLOSED") return;
      const left = this.session.expiresAt - Date.now();
      if (left > 0) {
        this.timer = setTimeout(() => void this.refreshNow(), Math.min(RETRY_MS, left / 2));
        this.timer.unref?.();
      }
    }
  }

  /** One getToken() call at a time, however many ask. */
  private fetch(): Promise<ParlorSession> {
    const getToken = this.opts.getToken;
    if (!getToken) return Promise.resolve(this.session);
    this.fetching ??= (async () => {
      try {
        return sessionFromToken(await getToken(), this.session.user);
      } finally {
        this.fetching = undefined;
      }
    })();
    return this.fetching;
  }

  private use(session: ParlorSession): void {
    this.session = session;
    this.opts.onSession(session);
  }

  private clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function asParlorError(err: unknown): ParlorError {
  return err instanceof ParlorError ? err : new ParlorError("INTERNAL", `getToken() failed: ${(err as Error)?.message ?? String(err)}`);
}
