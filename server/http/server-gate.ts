/**
 * Checks that run on the raw HTTP server, before Express and before
 * Engine.IO: Engine.IO answers `/socket.io/` requests and WebSocket upgrades
 * itself, so an Express middleware never sees them. A gate refuses with a
 * status and a JSON body `{ error: { code, message, details } }` — on an
 * upgrade as a plain HTTP response before the socket is closed, never a
 * silent reset. The same wrapper puts the security headers on every
 * Engine.IO response.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { ErrorCode } from "../protocol";

export interface Refusal {
  status: number;
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  /** Extra response headers (Retry-After). */
  headers?: Record<string, string>;
  /** Fields for the (sampled) log line of the refusal. */
  log?: Record<string, unknown>;
}

/** Decides about one request or upgrade: undefined lets it through. Must be synchronous and cheap: it runs on every request. */
export type Gate = (req: IncomingMessage) => Refusal | undefined;

export interface GateOptions {
  gates: Gate[];
  /** Headers for every response that does not go through Express (helmet's). */
  headersFor(req: IncomingMessage): Record<string, string>;
  /** Engine.IO's path (default `/socket.io/`). */
  enginePath?: string;
  /** Called once per refusal (the caller samples its log). */
  onRefused?(req: IncomingMessage, refusal: Refusal): void;
}

function firstRefusal(gates: Gate[], req: IncomingMessage): Refusal | undefined {
  for (const gate of gates) {
    const refusal = gate(req);
    if (refusal) return refusal;
  }
  return undefined;
}

function body(refusal: Refusal): string {
  return JSON.stringify({
    error: { code: refusal.code, message: refusal.message, ...(refusal.details ? { details: refusal.details } : {}) },
  });
}

function refuseRequest(res: ServerResponse, refusal: Refusal, headers: Record<string, string>): void {
  const text = body(refusal);
  res.writeHead(refusal.status, {
    ...headers,
    ...refusal.headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    connection: "close",
  });
  res.end(text);
}

function refuseUpgrade(socket: Duplex, refusal: Refusal, headers: Record<string, string>): void {
  const text = body(refusal);
  const all = {
    ...headers,
    ...refusal.headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(text)),
    Connection: "close",
  };
  const head = [
    `HTTP/1.1 ${refusal.status} ${http.STATUS_CODES[refusal.status] ?? "Refused"}`,
    ...Object.entries(all).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.on("error", () => {});
  // end() then destroy: the answer is flushed first, and a peer that never closes its side cannot keep the socket.
  socket.end(`${head.join("\r\n")}\r\n\r\n${text}`, () => socket.destroy());
  setTimeout(() => socket.destroy(), 1000).unref();
}

/**
 * Wraps the server's `request` and `upgrade` listeners (call it after
 * `new Server(httpServer)`, which installs Engine.IO's).
 *
 * @example
 * gateHttpServer(httpServer, { gates: [hostGate(...), connectionCaps.gate], headersFor: securityHeaderValues });
 */
export function gateHttpServer(server: http.Server, options: GateOptions): void {
  const enginePath = options.enginePath ?? "/socket.io/";
  const gates = options.gates;
  const requestListeners = server.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
  const upgradeListeners = server.listeners("upgrade") as ((req: IncomingMessage, socket: Duplex, head: Buffer) => void)[];
  server.removeAllListeners("request");
  server.removeAllListeners("upgrade");

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const engine = req.url?.startsWith(enginePath) === true;
    const refusal = firstRefusal(gates, req);
    if (refusal) {
      options.onRefused?.(req, refusal);
      return refuseRequest(res, refusal, options.headersFor(req));
    }
    // Express sets these itself (helmet is its first middleware); Engine.IO's answers, errors included, get them here.
    if (engine) for (const [k, v] of Object.entries(options.headersFor(req))) res.setHeader(k, v);
    for (const listener of requestListeners) listener.call(server, req, res);
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = firstRefusal(gates, req);
    if (refusal) {
      options.onRefused?.(req, refusal);
      return refuseUpgrade(socket, refusal, options.headersFor(req));
    }
    for (const listener of upgradeListeners) listener.call(server, req, socket, head);
  });
}
