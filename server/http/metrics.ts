/**
 * `GET /metrics`: this node's Prometheus metrics in the text exposition format.
 * With PARLOR_METRICS_TOKEN set it needs `Authorization: Bearer <token>` (401
 * otherwise): metrics name rooms, counts and timings an outsider should not see.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { Router } from "express";
import type { Registry } from "prom-client";

// Compared as digests: equal length whatever was sent, so timingSafeEqual applies and the length does not leak.
const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * @example
 * app.use(metricsRouter(metrics.registry, config.metricsToken));
 */
export function metricsRouter(registry: Registry, token?: string): Router {
  const router = Router();
  const expected = token === undefined ? undefined : digest(token);
  router.get("/metrics", async (req, res, next) => {
    if (expected) {
      const m = /^Bearer (.+)$/i.exec(req.get("authorization") ?? "");
      if (!m || !timingSafeEqual(digest(m[1]!.trim()), expected)) {
        res.set("WWW-Authenticate", 'Bearer realm="parlor-metrics"');
        return void res
          .status(401)
          .json({ error: { code: "UNAUTHORIZED", message: "GET /metrics needs Authorization: Bearer <PARLOR_METRICS_TOKEN>" } });
      }
    }
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
