/** `GET /metrics`: this node's Prometheus metrics in the text exposition format. */
import { Router } from "express";
import type { Registry } from "prom-client";

/**
 * @example
 * app.use(metricsRouter(metrics.registry));
 */
export function metricsRouter(registry: Registry): Router {
  const router = Router();
  router.get("/metrics", async (_req, res, next) => {
    try {
      const text = await registry.metrics();
      res.setHeader("content-type", registry.contentType);
      res.send(text);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
