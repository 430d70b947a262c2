/**
 * Socket.IO's own Admin UI (`@socket.io/admin-ui`) for operators, on when
 * PARLOR_ADMIN_PASSWORD is set: the `/admin` namespace that the UI talks to,
 * and the UI itself at `/admin/` (ui-router.ts). Off, neither exists: no
 * `/admin` namespace, and `/admin` answers 404.
 *
 * Mode "development" by default: only in that mode does the package send the
 * UI the list of sockets (`all_sockets`, then `socket_connected` /
 * `socket_disconnected`, rooms joined and left); in "production" it sends
 * aggregated counters only, and the Sockets, Rooms and Clients views stay
 * empty. The price, paid whether or not an admin is watching: each socket's
 * `data` is wrapped in a Proxy, and every event in and out is re-emitted to
 * the `/admin` namespace, payloads included (chat text and DMs are visible to
 * the admin; with the Redis adapter each one is also published to Redis).
 * PARLOR_ADMIN_MODE=production keeps the dashboard and drops that.
 *
 * Read-only by default: the UI cannot disconnect sockets or move them between
 * rooms behind the membership logic's back.
 */
import { instrument } from "@socket.io/admin-ui";
import bcrypt from "bcryptjs";
import type { Router } from "express";
import type { Server } from "socket.io";
import type { AdminConfig } from "../config";
import type { Logger } from "../logger";
import type { AddressOf } from "../security/client-address";
import { adminCredentials, loginBudget } from "./credentials";
import { expiringSessionStore } from "./session-store";
import { adminUiRouter } from "./ui-router";

export const ADMIN_NAMESPACE = "/admin";
/** bcrypt cost of the hash handed to the package. It runs only for a correct password (see attach()). */
const BCRYPT_ROUNDS = 10;
const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const MAX_SESSIONS = 100;

export interface AdminUi {
  /** The UI's files at `/admin/`, behind HTTP Basic auth. */
  router: Router;
  /** Registers the login budget on `/admin`, then instruments `io`. Call once, after the other namespaces exist. */
  attach(io: Server): void;
}

/**
 * @example
 * const admin = config.admin && (await createAdminUi(config.admin, { log, addressOf }));
 * const app = createExpressApp([...routers, ...(admin ? [admin.router] : [])], log);
 * admin?.attach(io);
 */
export async function createAdminUi(config: AdminConfig, deps: { log: Logger; addressOf: AddressOf }): Promise<AdminUi> {
  const credentials = adminCredentials(config.username, config.password);
  const budget = loginBudget(config.maxFailedLogins);
  const store = expiringSessionStore({ ttlMs: SESSION_TTL_MS, maxSessions: MAX_SESSIONS });
  // The package takes a bcrypt hash only; hashed at start, the plaintext never reaches it.
  const passwordHash = await bcrypt.hash(config.password, BCRYPT_ROUNDS);
  const log = deps.log.child({ component: "admin-ui" });

  return {
    router: adminUiRouter({ credentials, budget, addressOf: deps.addressOf }),
    attach(io) {
      // Registered before instrument(), so it runs before the package's own
      // check: a wrong password is refused here with a cheap compare, and
      // bcrypt (tens of ms of CPU) only ever runs for the right one.
      io.of(ADMIN_NAMESPACE).use(async (socket, next) => {
        const address = deps.addressOf(socket.request);
        const auth = socket.handshake.auth as { username?: unknown; password?: unknown; sessionId?: unknown };
        try {
          if ((await budget.blockedFor(address)) > 0) return next(new Error("too many failed logins, retry later"));
          if (typeof auth.sessionId === "string" && (await store.doesSessionExist(auth.sessionId))) return next();
          if (credentials.match(auth.username, auth.password)) return next();
          // The UI first reconnects with a stale session id alone: not a guess at the password.
          if (auth.password !== undefined) {
            await budget.fail(address);
            log.warn({ address }, "admin login failed");
          }
          // The exact message the UI recognises to show its login form again.
          next(new Error("invalid credentials"));
        } catch (err) {
          log.error({ err }, "admin login check failed");
          next(new Error("internal error"));
        }
      });
      instrument(io, {
        namespaceName: ADMIN_NAMESPACE,
        auth: { type: "basic", username: config.username, password: passwordHash },
        mode: config.mode,
        readonly: config.readonly,
        serverId: config.serverId,
        store,
      });
      log.info({ mode: config.mode, readonly: config.readonly, user: config.username }, "admin UI at /admin/");
    },
  };
}
