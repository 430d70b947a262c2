/**
 * An event flooder in its own process (the server's event loop then does only
 * server work, as with a real attacker): `sockets` raw WebSockets speaking
 * Socket.IO by hand to one namespace, each first sending `setup` emits (with
 * acks, in order), then sending `event` as fast as the socket drains for
 * `durationMs` (or until `count` per socket). Reports what came back.
 */
import { runChildReport } from "../../support/child-report";

export interface FloodPlan {
  url: string;
  nsp: "/chat" | "/game" | "/system";
  /** One token per socket (cycled), or none for `/system`. */
  tokens?: string[];
  sockets: number;
  /** Emits (with acks) each socket sends before flooding, in order. */
  setup?: { event: string; payload?: unknown }[];
  event: string;
  /** Omitted: the event is sent with no payload (as `/system` events are). */
  payload?: unknown;
  /** Ask for an ack on every flood emit. */
  ack: boolean;
  durationMs: number;
  /** Most emits per socket (default unbounded within durationMs). */
  count?: number;
  /** Extra handshake headers, e.g. X-Forwarded-For. */
  headers?: Record<string, string>;
  /** Payload fields that take the emit's index: `{ seq: i }` for game:input. */
  indexField?: string;
}

export interface FloodReport {
  sent: number;
  ok: number;
  rateLimited: number;
  /** Other error codes seen, with their counts. */
  otherCodes: Record<string, number>;
  /** Sockets the server closed (cut off) before the flood ended. */
  closedByServer: number;
  /** How long after the first flood emit each server close came (ms). */
  closedAfterMs: number[];
  elapsedMs: number;
  fatal?: string;
}

// Plain JavaScript for `node -e`: no TypeScript toolchain in the child.
const SOURCE = `
const WebSocket = require("ws");
const plan = JSON.parse(process.argv[1]);
const report = { sent: 0, ok: 0, rateLimited: 0, otherCodes: {}, closedByServer: 0, closedAfterMs: [], elapsedMs: 0 };
let floodStart = 0;
let ending = false;
function open(i) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(plan.url.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket", { perMessageDeflate: false, headers: plan.headers || {} });
    const pending = new Map();
    let nextId = 0;
    const s = { ws, open: true, pending, emit(event, payload, withAck) {
      const args = payload === undefined ? [event] : [event, payload];
      if (!withAck) { ws.send("42" + plan.nsp + "," + JSON.stringify(args)); return; }
      const id = nextId++;
      ws.send("42" + plan.nsp + "," + id + JSON.stringify(args));
      return new Promise((res) => pending.set(id, res));
    } };
    ws.on("message", (raw) => {
      const t = raw.toString();
      if (t === "2") return ws.send("3");
      if (t[0] === "0") { const tokens = plan.tokens || []; const auth = tokens.length ? { token: tokens[i % tokens.length] } : {}; return ws.send("40" + plan.nsp + "," + JSON.stringify(auth)); }
      if (!t.startsWith("4", 0)) return;
      const body = t.slice(2 + plan.nsp.length + 1);
      if (t[1] === "0") return resolve(s);
      if (t[1] === "4") return reject(new Error("refused " + body));
      if (t[1] === "3") { const b = body.indexOf("["); const id = Number(body.slice(0, b)); const res = pending.get(id); pending.delete(id); if (res) res(JSON.parse(body.slice(b))[0]); else if (id >= 0) count(JSON.parse(body.slice(b))[0]); }
      // A server disconnect packet, or the connection closed under us: cut off, counted once.
      if (t[1] === "1") cut();
    });
    const cut = () => { if (s.open && floodStart && !ending) { report.closedByServer++; report.closedAfterMs.push(Math.round(performance.now() - floodStart)); } s.open = false; };
    ws.on("close", cut);
    ws.on("error", (err) => { if (!floodStart) reject(err); });
  });
}
function count(ack) {
  if (ack && ack.ok) report.ok++;
  else if (ack && ack.error && ack.error.code === "RATE_LIMITED") report.rateLimited++;
  else { const c = (ack && ack.error && ack.error.code) || "none"; report.otherCodes[c] = (report.otherCodes[c] || 0) + 1; }
}
(async () => {
  const sockets = [];
  for (let i = 0; i < plan.sockets; i++) sockets.push(await open(i));
  for (const s of sockets) for (const step of plan.setup || []) {
    const ack = await s.emit(step.event, step.payload, true);
    if (!ack || !ack.ok) throw new Error(step.event + ": " + JSON.stringify(ack));
  }
  process.stdout.write("START\\n");
  floodStart = performance.now();
  const until = floodStart + plan.durationMs;
  const perSocket = new Array(sockets.length).fill(0);
  await new Promise((resolve) => {
    const pump = () => {
      let live = 0;
      for (let k = 0; k < sockets.length; k++) {
        const s = sockets[k];
        if (!s.open) continue;
        live++;
        // Only as fast as the socket drains: the point is the server's work, not our memory.
        for (let n = 0; n < 200 && s.ws.bufferedAmount < 1 << 20 && (!plan.count || perSocket[k] < plan.count); n++) {
          let payload = plan.payload;
          if (plan.indexField) payload = Object.assign({}, payload, { [plan.indexField]: perSocket[k] + 1 });
          const p = s.emit(plan.event, payload, plan.ack);
          if (p) p.then(count);
          perSocket[k]++;
          report.sent++;
        }
      }
      const done = plan.count ? perSocket.every((n, k) => n >= plan.count || !sockets[k].open) : false;
      if (live === 0 || done || performance.now() >= until) return resolve();
      setImmediate(pump);
    };
    pump();
  });
  report.elapsedMs = Math.round(performance.now() - floodStart);
  // Answers (and cut-offs) still on their way: until every ack of an open socket is in, at most 3 s.
  const settleUntil = performance.now() + 3000;
  while (performance.now() < settleUntil && sockets.some((s) => s.open && s.pending.size > 0)) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200));
  ending = true;
  for (const s of sockets) s.ws.terminate();
  process.stdout.write(JSON.stringify(report));
})().catch((err) => { process.stdout.write(JSON.stringify({ fatal: String(err && err.message || err) })); process.exit(1); });
`;

/**
 * Runs the flood to completion. `onStart` runs when the flood begins (after
 * connecting and the setup emits, which take a while in a fresh process).
 *
 * @example
 * const report = await runFlood({ url, nsp: "/system", sockets: 2, event: "system:state", ack: true, durationMs: 2000 });
 */
export function runFlood(plan: FloodPlan, onStart: () => void = () => undefined): Promise<FloodReport> {
  return runChildReport<FloodReport>(SOURCE, [JSON.stringify(plan)], plan.durationMs + 20_000, onStart);
}
