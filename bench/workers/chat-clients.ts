/**
 * Load worker: holds many `/chat` sockets (one user each) in its own
 * process. Opens them with bounded concurrency, optionally joins a room,
 * records end-to-end latency of every `message:new` (the text carries the
 * send time), and sends at a fixed rate when asked. Works against Parlor and
 * the bare baseline alike: both speak the same events. Sockets are the raw
 * client in lib/raw-socketio.ts, light enough that the server is what is measured.
 */
import { connectRaw, type RawSocket } from "../lib/raw-socketio";
import { Histogram, nowMs } from "../lib/stats";
import { serve } from "../lib/worker";

const sockets: RawSocket[] = [];
const latency = new Histogram();
let received = 0;
let firstArrival = 0;
let lastArrival = 0;
let cpuMark = process.cpuUsage();

function onMessage(message: { text: string }) {
  const now = nowMs();
  const sentAt = Number(message.text.split(" ", 1)[0]);
  if (Number.isFinite(sentAt)) latency.add(now - sentAt);
  received++;
  if (!firstArrival) firstArrival = now;
  lastArrival = now;
}

// A benchmark must stop by itself: a dropped socket stays dropped (the raw client never reconnects).
const open = (url: string, token: string | undefined) => connectRaw(url, "/chat", token ? { token } : {});

serve({
  /** Opens `tokens.length` (or `count`) sockets, `concurrency` handshakes at a time; joins `room` if given. */
  async connect({ url, tokens, count, room, concurrency = 100, listen = false }) {
    const list: (string | undefined)[] = tokens ?? Array.from({ length: count as number });
    const started = nowMs();
    let failed = 0;
    let firstError: string | undefined;
    let next = 0;
    const lane = async () => {
      while (next < list.length) {
        const token = list[next++];
        try {
          const socket = await open(url, token);
          if (listen) socket.on("message:new", onMessage);
          if (room) {
            const ack = (await socket.emitWithAck("room:join", { room }, 20_000)) as { ok: boolean; error?: unknown };
            if (!ack.ok) throw new Error(`room:join: ${JSON.stringify(ack.error)}`);
          }
          sockets.push(socket);
        } catch (err) {
          failed++;
          firstError ??= (err as Error).message;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, lane));
    return { connected: sockets.length, failed, firstError, ms: nowMs() - started, rss: process.memoryUsage().rss };
  },

  /** Deliveries since the last collect: count, latency histogram, first and last arrival. */
  collect() {
    const cpu = process.cpuUsage(cpuMark);
    cpuMark = process.cpuUsage();
    const out = {
      received,
      latency: latency.toJSON(),
      firstArrival,
      lastArrival,
      cpuMs: (cpu.user + cpu.system) / 1000,
      connected: sockets.filter((s) => s.connected).length,
    };
    received = 0;
    firstArrival = 0;
    lastArrival = 0;
    latency.reset();
    return out;
  },

  /** Deliveries since the last collect, without resetting. */
  peek: () => ({ received }),

  /**
   * Sends `rate` messages/s in total for `durationMs`, round-robin over this
   * worker's sockets, each `message:send` with an ack. Resolves when every ack
   * is in, or `ackTimeoutMs` after the last send.
   */
  async send({ room, rate, durationMs, ackTimeoutMs = 10_000 }) {
    const total = Math.max(1, Math.round((rate * durationMs) / 1000));
    const ackLatency = new Histogram();
    let sent = 0;
    let acked = 0;
    let errors = 0;
    let firstError: string | undefined;
    const started = nowMs();
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(total, Math.floor(((nowMs() - started) * rate) / 1000) + 1);
        for (; sent < due; sent++) {
          const socket = sockets[sent % sockets.length];
          const at = nowMs();
          socket
            .emitWithAck("message:send", { room, text: `${at} ${sent}`, clientId: `${process.pid}-${at}-${sent}` }, ackTimeoutMs)
            .then((res) => {
              const ack = res as { ok: boolean; error?: { code: string } };
              if (ack.ok) {
                acked++;
                ackLatency.add(nowMs() - at);
              } else {
                errors++;
                firstError ??= ack.error?.code;
              }
            })
            .catch((err: Error) => (errors++, (firstError ??= err.message)));
        }
        if (sent < total) setTimeout(tick, 2);
        else resolve();
      };
      tick();
    });
    const sendMs = nowMs() - started;
    const deadline = nowMs() + ackTimeoutMs + 1000;
    while (acked + errors < total && nowMs() < deadline) await new Promise((r) => setTimeout(r, 20));
    return { sent, acked, errors, firstError, sendMs, ackLatency: ackLatency.toJSON() };
  },

  close() {
    for (const s of sockets.splice(0)) s.close();
    return { closed: true };
  },

  memory: () => process.memoryUsage(),
});
