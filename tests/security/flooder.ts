/**
 * A flooding client in its own process, as it would be in real life: the
 * server's event loop then does only server work, so another user's ack
 * latency during the flood measures the server, not the flooder's client.
 */
import { runChildReport } from "../support/child-report";

export interface FloodReport {
  sent: number;
  ok: number;
  rateLimited: number;
  /** Emits that ended with the socket's disconnect instead of an answer. */
  cutOff: number;
  /** Anything else (another error code, a timeout): should be empty. */
  other: string[];
  /** Ack packets seen per ack id (socket.io-client would hide a second one). */
  ackPacketsPerId: number[];
  disconnectReason: string | null;
  elapsedMs: number;
}

// Plain JavaScript for `node -e`: no TypeScript toolchain in the child.
const SOURCE = `
const { io } = require("socket.io-client");
const [url, token, room, count] = process.argv.slice(1);
const socket = io(url + "/chat", { auth: { token }, transports: ["websocket"], reconnection: false, forceNew: true });
socket.on("connect_error", (err) => { process.stdout.write(JSON.stringify({ fatal: err.message })); process.exit(1); });
socket.on("connect", async () => {
  await socket.timeout(5000).emitWithAck("room:join", { room });
  const perId = new Map();
  socket.io.on("packet", (p) => { if ((p.type === 3 || p.type === 6) && p.nsp === "/chat") perId.set(p.id, (perId.get(p.id) || 0) + 1); });
  let disconnectReason = null;
  const disconnected = new Promise((resolve) => socket.on("disconnect", (reason) => { disconnectReason = reason; resolve(); }));
  process.stdout.write("START\\n");
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: Number(count) }, (_, i) => new Promise((resolve) =>
    socket.timeout(10000).emit("message:send", { room, text: "flood " + i }, (err, ack) => resolve(err ? { error: err.message } : { ack })))));
  const elapsedMs = performance.now() - started;
  // Every emit may be answered before the cut-off: wait for it (or give up after 2 s), then for stray acks.
  await Promise.race([disconnected, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const report = { sent: results.length, ok: 0, rateLimited: 0, cutOff: 0, other: [], ackPacketsPerId: [...perId.values()], disconnectReason, elapsedMs };
  for (const r of results) {
    if (r.ack && r.ack.ok === true) report.ok++;
    else if (r.ack && r.ack.error && r.ack.error.code === "RATE_LIMITED") report.rateLimited++;
    else if (r.error === "socket has been disconnected") report.cutOff++;
    else report.other.push(JSON.stringify(r).slice(0, 200));
  }
  process.stdout.write(JSON.stringify(report));
  socket.close();
});
`;

/**
 * Runs the flooder to completion: `count` message:send to `room` as fast as it
 * can. `onStart` runs when it begins to send (the process takes a while to start).
 */
export function runFlooder(
  url: string,
  token: string,
  room: string,
  count: number,
  onStart: () => void = () => undefined,
): Promise<FloodReport> {
  return runChildReport<FloodReport>(SOURCE, [url, token, room, String(count)], 30_000, onStart);
}
