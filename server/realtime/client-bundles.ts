/**
 * Which socket.io-client bundles Parlor serves under `/socket.io/`. Socket.IO
 * serves all of its bundles, the msgpack one included; Parlor speaks the
 * default JSON parser only, so a page built on the msgpack bundle would
 * connect and then understand nothing. That bundle answers 404 with a reason.
 */
import type http from "node:http";

const REFUSED = /^\/socket\.io\/socket\.io\.msgpack\.min\.js(\.map)?(\?|$)/;

/**
 * Puts a filter in front of every `request` listener of `server` (Socket.IO's
 * bundle serving and Engine.IO included). Call after `new Server(httpServer)`.
 */
export function refuseMsgpackBundle(server: http.Server): void {
  const listeners = server.listeners("request") as http.RequestListener[];
  server.removeAllListeners("request");
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.url && REFUSED.test(req.url)) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("Parlor speaks Socket.IO's default JSON parser: use /socket.io/socket.io.min.js (or socket.io-client v3/v4 from npm).\n");
      return;
    }
    for (const listener of listeners) listener.call(server, req, res);
  });
}
