/** `GET /healthz`: 200 while serving, 503 once shutdown has begun. */
import { Router } from "express";

export function healthRouter(isShuttingDown: () => boolean): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    if (isShuttingDown()) res.status(503).json({ status: "shutting-down" });
    else res.json({ status: "ok" });
  });
  return router;
}
