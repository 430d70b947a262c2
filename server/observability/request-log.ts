/**
 * One log line per HTTP request, from a child logger that carries the
 * request id. The id comes from `x-request-id` when a proxy set a sane one
 * (so logs join across hops), otherwise it is new; it is echoed back.
 */
import { randomUUID } from "node:crypto";
import { Router } from "express";
import type { Logger } from "../logger";
import type { ParlorMetrics } from "../metrics";

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,64}$/;
/** Routes polled by machines: logged at debug so they do not drown the rest. */
const QUIET = /^\/(healthz|metrics|static\/|favicon)/;

/**
 * Express middleware (as a Router, to sit first in the app's router list).
 * Handlers find the request's logger in `res.locals.log`.
 *
 * @example
 * createExpressApp([requestLog(log, metrics), healthRouter(...)], log);
 */
export function requestLog(log: Logger, metrics?: ParlorMetrics): Router {
  const router = Router();
  router.use((req, res, next) => {
    const incoming = req.get("x-request-id");
    const id = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    const reqLog = log.child({ req: id });
    res.locals.log = reqLog;
    res.setHeader("x-request-id", id);
    const started = process.hrtime.bigint();
    res.once("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      metrics?.httpRequests.inc({ method: req.method, status: `${Math.floor(res.statusCode / 100)}xx` });
      const entry = { method: req.method, url: req.originalUrl.slice(0, 200), status: res.statusCode, ms: Math.round(ms * 10) / 10 };
      if (QUIET.test(req.path)) reqLog.debug(entry, "http request");
      else reqLog.info(entry, "http request");
    });
    next();
  });
  return router;
}
