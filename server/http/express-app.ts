/**
 * The Express app: pages, static files, the session API and health. Errors
 * answer JSON `{ error: { code, message } }` without internals.
 */
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from "express";
import path from "node:path";
import type { Logger } from "../logger";
import type { TrustProxy } from "../security/client-address";

export const ROOT_DIR = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? "../../.." : "../..");

/**
 * `security` runs before everything else (headers, origin check), so static files and errors get it too.
 * `trustProxy` is Express's `trust proxy` (PARLOR_TRUST_PROXY): `req.ip` is the peer address unless it is set.
 */
export function createExpressApp(
  routers: Router[],
  log: Logger,
  security: RequestHandler[] = [],
  trustProxy: TrustProxy = false,
): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", trustProxy);
  for (const handler of security) app.use(handler);
  app.set("view engine", "ejs");
  app.set("views", path.join(ROOT_DIR, "views"));
  app.use(express.json({ limit: "16kb" }));
  app.use("/static", express.static(path.join(ROOT_DIR, "static"), { maxAge: "1h" }));
  for (const router of routers) app.use(router);

  app.use((_req, res) => {
    res.status(404).json({ error: { code: "NOT_FOUND", message: "no such route" } });
  });
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const status = typeof err?.status === "number" && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) log.error({ err }, "http request failed");
    const code = status === 413 ? "PAYLOAD_TOO_LARGE" : status === 500 ? "INTERNAL" : "BAD_REQUEST";
    res.status(status).json({ error: { code, message: status === 500 ? "internal error" : "bad request" } });
  };
  app.use(onError);
  return app;
}
