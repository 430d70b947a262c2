/**
 * The Admin UI's files at `/admin/`, from the package's own build
 * (`@socket.io/admin-ui/ui/dist`), behind HTTP Basic auth. Nothing is fetched
 * from a CDN at run time: index.html is served rewritten, without its Google
 * Fonts and jsDelivr stylesheets (text falls back to the system sans-serif,
 * and the Material Design icons are not shown).
 */
import fs from "node:fs";
import path from "node:path";
import express, { type RequestHandler, type Router } from "express";
import type { AddressOf } from "../security/client-address";
import { ownWebSocketSources } from "../security/headers";
import type { AdminCredentials, LoginBudget } from "./credentials";

export const UI_DIR = path.join(path.dirname(require.resolve("@socket.io/admin-ui/package.json")), "ui", "dist");

const REMOTE_REFERENCE = /\s(?:src|href)="(?:https?:)?\/\//i;

/**
 * index.html without `<link>`s to other origins. Throws if a remote
 * reference remains (a new admin-ui version that loads more from a CDN must
 * fail the tests, not a browser at run time).
 *
 * @example
 * localIndexHtml(fs.readFileSync(path.join(UI_DIR, "index.html"), "utf8"));
 */
export function localIndexHtml(html: string): string {
  const local = html.replace(/<link\b[^>]*\shref="(?:https?:)?\/\/[^"]*"[^>]*>/gi, "");
  if (REMOTE_REFERENCE.test(local)) throw new Error("admin UI index.html still references another origin");
  return local;
}

/**
 * Parlor's CSP (server/security/headers.ts) with what the UI needs and no
 * more: Vue and Vuetify write `<style>` elements and style attributes, so
 * `style-src` allows inline styles; scripts stay `'self'` only (the build
 * needs no eval), and the socket may only reach this origin.
 */
export function adminContentSecurityPolicy(req: express.Request): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${ownWebSocketSources(req)}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** `Authorization: Basic base64(user:password)` → its two parts (RFC 7617), or undefined. */
export function parseBasicAuth(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header?.trim() ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export interface UiRouterDeps {
  credentials: AdminCredentials;
  budget: LoginBudget;
  addressOf: AddressOf;
}

function basicAuth({ credentials, budget, addressOf }: UiRouterDeps): RequestHandler {
  return async (req, res, next) => {
    const address = addressOf(req);
    const blockedMs = await budget.blockedFor(address);
    if (blockedMs > 0) {
      res.setHeader("Retry-After", String(Math.ceil(blockedMs / 1000)));
      res.status(429).json({ error: { code: "RATE_LIMITED", message: "too many failed admin logins, retry later" } });
      return;
    }
    const given = parseBasicAuth(req.headers.authorization);
    if (given && credentials.match(given.username, given.password)) return next();
    // A request without credentials is the browser asking for the challenge, not a guess.
    if (given) await budget.fail(address);
    res.setHeader("WWW-Authenticate", 'Basic realm="Parlor admin", charset="UTF-8"');
    res.status(401).json({ error: { code: "UNAUTHORIZED", message: "admin credentials required" } });
  };
}

/**
 * `/admin` → `/admin/`, and the UI under `/admin/`, every response behind
 * Basic auth, with the admin CSP and `Cache-Control: private`.
 *
 * @example
 * app.use(adminUiRouter({ credentials, budget, addressOf }));
 */
export function adminUiRouter(deps: UiRouterDeps): Router {
  const indexHtml = localIndexHtml(fs.readFileSync(path.join(UI_DIR, "index.html"), "utf8"));
  const router = express.Router({ strict: true });
  router.use("/admin", basicAuth(deps), (req, res, next) => {
    // Replaces the one helmet set for the whole app: this policy is for /admin only.
    res.setHeader("Content-Security-Policy", adminContentSecurityPolicy(req));
    next();
  });
  router.get("/admin", (_req, res) => res.redirect(301, "/admin/"));
  router.get(["/admin/", "/admin/index.html"], (_req, res) => {
    res.setHeader("Cache-Control", "private, no-store");
    res.type("html").send(indexHtml);
  });
  router.use(
    "/admin",
    express.static(UI_DIR, {
      index: false,
      setHeaders: (res) => res.setHeader("Cache-Control", "private, max-age=3600"),
    }),
  );
  return router;
}
