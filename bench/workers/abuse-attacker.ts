/**
 * Attackers for bench/abuse.ts, in their own process so the server's CPU is
 * measured, not the attacker's. Raw WebSockets speaking Socket.IO by hand
 * (as in lib/raw-socketio.ts), because a flood or a socket that stops reading
 * is exactly what a polite client library will not do. A flooder that is
 * cut off reconnects at once, as a real one would.
 */
import WebSocket from "ws";
import { serve } from "../lib/worker";

interface Raw {
  ws: WebSocket;
  open: boolean;
  emit(event: string, payload?: unknown, ack?: boolean): Promise<unknown> | undefined;
}

function open(
  url: string,
  nsp: string,
  auth: Record<string, unknown>,
  opts: { headers?: Record<string, string>; answerPings?: boolean } = {},
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`, {
      perMessageDeflate: false,
      headers: opts.headers ?? {},
    });
    const pending = new Map<number, (v: unknown) => void>();
    let next = 0;
    const raw: Raw = {
      ws,
      open: false,
      emit(event, payload, ack = false) {
        if (!raw.open) return undefined;
        const args = JSON.stringify(payload === undefined ? [event] : [event, payload]);
        if (!ack) return void ws.send(`42${nsp},${args}`);
        const id = next++;
        ws.send(`42${nsp},${id}${args}`);
        return new Promise((res) => pending.set(id, res));
      },
    };
    const timer = setTimeout(() => (ws.terminate(), reject(new Error("handshake timed out"))), 20_000);
    ws.on("message", (data: Buffer) => {
      const t = data.toString();
      if (t === "2") return void (opts.answerPings !== false && ws.send("3"));
      if (t[0] === "0") return void ws.send(`40${nsp},${JSON.stringify(auth)}`);
      if (t[0] !== "4") return;
      if (t[1] === "0") return (clearTimeout(timer), (raw.open = true), resolve(raw));
      if (t[1] === "4") return (clearTimeout(timer), ws.terminate(), reject(new Error(`refused: ${t}`)));
      if (t[1] === "1") raw.open = false;
      if (t[1] === "3") {
        const body = t.slice(3 + nsp.length);
        const b = body.indexOf("[");
        const res = pending.get(Number(body.slice(0, b)));
        pending.delete(Number(body.slice(0, b)));
        res?.(JSON.parse(body.slice(b))[0]);
      }
    });
    ws.on("close", () => (raw.open = false));
    ws.on("error", (err) => (raw.open ? (raw.open = false) : (clearTimeout(timer), reject(err))));
  });
}

/** Sends `event` on `raw` as fast as it drains until it closes or `until`. */
function pump(raw: Raw, until: number, next: () => [string, unknown?]): Promise<number> {
  let sent = 0;
  return new Promise((resolve) => {
    const step = () => {
      for (let n = 0; n < 200 && raw.open && raw.ws.bufferedAmount < 1 << 20; n++) {
        const [event, payload] = next();
        raw.emit(event, payload);
        sent++;
      }
      if (!raw.open || Date.now() >= until) return resolve(sent);
      setImmediate(step);
    };
    step();
  });
}

/** Opens, floods, and when cut off opens again, on `sockets` lanes, until `durationMs` is over. */
async function floodLanes(sockets: number, durationMs: number, lane: (until: number) => Promise<{ sent: number }>) {
  const until = Date.now() + durationMs;
  let sent = 0;
  let connections = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: sockets }, async () => {
      while (Date.now() < until) {
        try {
          connections++;
          sent += (await lane(until)).sent;
        } catch {
          refused++;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }),
  );
  return { sent, connections, refused };
}

const slow: Raw[] = [];
const keepalive: ReturnType<typeof setInterval>[] = [];

serve({
  /** Two (or `sockets`) /system sockets sending system:state with acks as fast as they drain. */
  systemFlood: ({ url, sockets = 2, durationMs, xff }) =>
    floodLanes(sockets, durationMs, async (until) => {
      const raw = await open(url, "/system", {}, { headers: xff ? { "x-forwarded-for": xff } : {} });
      const sent = await pump(raw, until, () => ["system:state"]);
      raw.ws.terminate();
      return { sent };
    }),

  /** Seated /game sockets sending game:input as fast as they drain. */
  inputFlood: ({ url, tokens, durationMs }) => {
    let i = 0;
    return floodLanes(tokens.length, durationMs, async (until) => {
      const raw = await open(url, "/game", { token: tokens[i++ % tokens.length] });
      await raw.emit("game:quickplay", {}, true);
      let seq = 0;
      const sent = await pump(raw, until, () => ["game:input", { seq: ++seq, dir: { x: seq % 2 ? 1 : -1, y: 0 } }]);
      raw.ws.terminate();
      return { sent };
    });
  },

  /** `tokens` users sending `event` with `payload` at `ratePerUser`/s each (acked), for `durationMs`. */
  async steady({ url, tokens, room, event, payload, ratePerUser, durationMs }) {
    const sockets = await Promise.all(tokens.map((token: string) => open(url, "/chat", { token })));
    if (room) await Promise.all(sockets.map((s) => s.emit("room:join", { room }, true)));
    const until = Date.now() + durationMs;
    const codes: Record<string, number> = {};
    let sent = 0;
    await Promise.all(
      sockets.map(async (s, k) => {
        for (let n = 0; Date.now() < until && s.open; n++) {
          const body = typeof payload === "string" ? JSON.parse(payload.replaceAll("$n", `${k}-${n}`)) : payload;
          void s.emit(event, body, true)?.then((ack: unknown) => {
            const a = ack as { ok: boolean; error?: { code: string } };
            const code = a.ok ? "ok" : (a.error?.code ?? "?");
            codes[code] = (codes[code] ?? 0) + 1;
          });
          sent++;
          await new Promise((r) => setTimeout(r, 1000 / ratePerUser));
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    for (const s of sockets) s.ws.terminate();
    return { sent, codes };
  },

  /** `tokens.length` sockets join `room`, then stop reading; a pong every 10 s keeps them connected. */
  async slowOpen({ url, tokens, room }) {
    for (const token of tokens as string[]) {
      const raw = await open(url, "/chat", { token });
      await raw.emit("room:join", { room }, true);
      slow.push(raw);
    }
    for (const raw of slow) {
      (raw.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      keepalive.push(setInterval(() => raw.open && raw.ws.send("3"), 10_000));
    }
    return { open: slow.length };
  },

  /** Every slow socket dies at once (connection reset). */
  slowRelease() {
    keepalive.splice(0).forEach(clearInterval);
    const n = slow.length;
    for (const raw of slow.splice(0)) raw.ws.terminate();
    return { released: n };
  },
});
