/**
 * `GET /healthz`: 200 `{ status: "ok" }` while serving; 503 `{ status: "shutting-down" }`
 * once shutdown has begun, and 503 `{ status: "store-unavailable", reason }` while the
 * store cannot keep what it acknowledges (a failed commit, a deleted database file), so a
 * load balancer stops sending users to a node that would lose their messages.
 */
import { Router } from "express";
import type { Logger } from "../logger";
import type { StoreHealth } from "../storage/types";

/**
 * @example
 * app.use(healthRouter(() => shuttingDown, () => store.health(), log));
 */
export function healthRouter(isShuttingDown: () => boolean, storeHealth: () => StoreHealth = () => ({ ok: true }), log?: Logger): Router {
  const router = Router();
  // Logged on change only: a load balancer polls this every few seconds.
  let lastOk = true;
  router.get("/healthz", (_req, res) => {
    if (isShuttingDown()) return void res.status(503).json({ status: "shutting-down" });
    const health = storeHealth();
    if (health.ok !== lastOk) {
      lastOk = health.ok;
      if (health.ok) log?.info("healthz: the store is available again");
      else log?.error({ reason: health.reason }, "healthz: the store is unavailable");
    }
    if (!health.ok) return void res.status(503).json({ status: "store-unavailable", reason: health.reason ?? "unknown" });
    res.json({ status: "ok" });
  });
  return router;
}
