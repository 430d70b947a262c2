/**
 * Security headers on every HTTP response (helmet), with a Content-Security-
 * Policy that lets a page run only its own scripts and talk only to its own
 * origin. Page config travels in data attributes, so no inline script and no
 * inline style is ever needed: an injected `<script>` or `onerror=` would
 * not run even if an escaping bug let it into the DOM.
 */
import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import helmet from "helmet";

// A Host header is client-supplied; only a plain host[:port] may go into the policy.
const SAFE_HOST = /^[a-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9a-f:.]{2,45}\](:\d{1,5})?$/i;

/**
 * The page's own WebSocket origins. CSP Level 3 browsers already match
 * ws:/wss: to 'self', older ones (Safari < 15.4) do not, so they are named.
 * Both schemes: behind a TLS-terminating proxy the server cannot tell which
 * one the page uses, and a ws: URL on an https: page is blocked anyway.
 */
export function ownWebSocketSources(req: IncomingMessage): string {
  const host = req.headers.host;
  return typeof host === "string" && SAFE_HOST.test(host) ? `ws://${host} wss://${host}` : "'self'";
}

/**
 * The CSP directives. `useDefaults: false` so nothing unlisted slips in
 * (helmet's defaults allow inline styles and https: fonts, and add
 * upgrade-insecure-requests, which would break plain-HTTP deployments).
 */
export const CSP_DIRECTIVES = {
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  "script-src-attr": ["'none'"],
  "style-src": ["'self'"],
  "img-src": ["'self'", "data:"],
  "font-src": ["'self'"],
  "connect-src": ["'self'", (req: IncomingMessage) => ownWebSocketSources(req)],
  "object-src": ["'none'"],
  "base-uri": ["'none'"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'none'"],
} as const;

/**
 * helmet with Parlor's CSP; the rest of helmet's defaults stay (nosniff,
 * Referrer-Policy no-referrer, COOP/CORP, HSTS — ignored by browsers over
 * plain HTTP), with X-Frame-Options DENY.
 *
 * @example
 * app.use(securityHeaders());
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: Object.fromEntries(Object.entries(CSP_DIRECTIVES).map(([k, v]) => [k, [...v]])),
    },
    // Pages embed nothing cross-origin; keep helmet's default (off) explicit.
    crossOriginEmbedderPolicy: false,
    // Same as frame-ancestors 'none', for browsers without CSP Level 2: no clickjacking frames.
    xFrameOptions: { action: "deny" },
  });
}

/**
 * The same headers as a plain record, for responses Express never sees:
 * Engine.IO's polling answers and errors, its WebSocket `101`, and the
 * server gate's refusals. helmet's middleware only calls `setHeader` /
 * `removeHeader`, synchronously, so it runs here against a recorder.
 *
 * @example
 * io.engine.on("headers", (headers, req) => Object.assign(headers, securityHeaderValues(req)));
 */
export function securityHeaderValues(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: unknown) => void (headers[name] = String(value)),
    removeHeader: (name: string) => void delete headers[name],
    getHeader: (name: string) => headers[name],
  };
  sharedHelmet(req as never, recorder as never, () => {});
  return headers;
}

const sharedHelmet = securityHeaders();
