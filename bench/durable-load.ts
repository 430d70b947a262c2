/**
 * Load loops for bench/durable.ts: `message:send` clients, each in a room of
 * its own (so the server's work is the write path, not fan-out), either
 * closed-loop (send again as soon as the ack is back) or open-loop at a fixed
 * rate (latency measured from when a message was due, not when it went out,
 * so a stalled server cannot hide its stall).
 */
import { io, type Socket } from "socket.io-client";
import type { Ack, ChatClientToServerEvents, ChatServerToClientEvents, Message } from "../server/protocol";
import { Histogram, nowMs } from "./lib/stats";

export type BenchSocket = Socket<ChatServerToClientEvents, ChatClientToServerEvents>;

export interface Client {
  socket: BenchSocket;
  room: string;
  /** The seq of this client's last stored message (the mixed load edits, reacts to and reads it). */
  lastSeq?: number;
}

/** One operation of a load: resolves with its ack (or a synthetic error after 10 s). */
export type Op = (c: Client) => Promise<Ack<unknown>>;

export interface LoadResult {
  /** Messages acked ok (each is committed: the ack waits for the commit). */
  acked: number;
  errors: number;
  seconds: number;
  latency: Histogram;
  /** CPU this (load-generating) process used, % of one core: near 100 means the generator is the limit. */
  generatorCpuPct: number;
}

/** Connects `tokens.length` clients and joins each to its own room `durable-<i>`. */
export async function connectClients(url: string, tokens: string[]): Promise<Client[]> {
  return Promise.all(
    tokens.map(async (token, i) => {
      const socket: BenchSocket = io(`${url}/chat`, { auth: { token }, transports: ["websocket"], reconnection: false, forceNew: true });
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("connect_error", reject);
      });
      const room = `durable-${i}`;
      const ack = await socket.timeout(10_000).emitWithAck("room:join", { room });
      if (!ack.ok) throw new Error(`join failed: ${ack.error.code}`);
      return { socket, room };
    }),
  );
}

const TIMED_OUT = { ok: false, error: { code: "INTERNAL", message: "timeout" } } as const;

let sent = 0;
/** One message; resolves with the ack (or a synthetic error after 10 s). */
function send(c: Client): Promise<Ack<{ message: Message }>> {
  const n = ++sent;
  return c.socket
    .timeout(10_000)
    .emitWithAck("message:send", { room: c.room, text: `durable bench message ${n} with a few words to index`, clientId: `b${n}` })
    .then((ack) => {
      if (ack.ok) c.lastSeq = ack.data.message.seq;
      return ack;
    })
    .catch(() => TIMED_OUT);
}

let mixed = 0;
/**
 * The mixed load of a chat in use (issue 15): of every 10 operations, 5 sends,
 * 2 edits, 2 reactions (toggled on and off) and 1 read-cursor move, the
 * edits, reactions and reads on the client's own last message. Every one is a
 * write on the writer thread (an edit also rewrites the message's FTS entry).
 */
export const mixedOp: Op = (c) => {
  const k = mixed++ % 10;
  const seq = c.lastSeq;
  if (k < 5 || seq === undefined) return send(c);
  const ack = (p: Promise<Ack<unknown>>) => p.catch(() => TIMED_OUT);
  const s = c.socket.timeout(10_000);
  if (k < 7) return ack(s.emitWithAck("message:edit", { room: c.room, seq, text: `edited bench message ${mixed} with other words` }));
  if (k < 9) return ack(s.emitWithAck("message:react", { room: c.room, seq, emoji: "👍", on: k === 7 }));
  return ack(s.emitWithAck("room:read", { room: c.room, seq }));
};

function cpuMeter(): () => number {
  const start = process.cpuUsage();
  const t0 = nowMs();
  return () => {
    const used = process.cpuUsage(start);
    return ((used.user + used.system) / 1000 / (nowMs() - t0)) * 100;
  };
}

/**
 * Every client keeps `window` sends in flight for `seconds` (after `warmupMs`
 * not counted).
 *
 * @example
 * const r = await closedLoop(clients, 10, 1, 500);
 * console.log(r.acked / r.seconds, r.latency.percentile(99));
 */
export async function closedLoop(clients: Client[], seconds: number, window: number, warmupMs: number): Promise<LoadResult> {
  const latency = new Histogram();
  let acked = 0;
  let errors = 0;
  let counting = false;
  const end = nowMs() + warmupMs + seconds * 1000;
  const lane = async (c: Client) => {
    while (nowMs() < end) {
      const t0 = nowMs();
      const ack = await send(c);
      if (!counting) continue;
      if (ack.ok) {
        acked++;
        latency.add(nowMs() - t0);
      } else errors++;
    }
  };
  const lanes = clients.flatMap((c) => Array.from({ length: window }, () => lane(c)));
  await new Promise((r) => setTimeout(r, warmupMs));
  counting = true;
  const started = nowMs();
  const cpu = cpuMeter();
  await Promise.all(lanes);
  return { acked, errors, seconds: (nowMs() - started) / 1000, latency, generatorCpuPct: cpu() };
}

/**
 * Runs `op` (default: send a message) `rate` times per second in total,
 * round-robin over the clients, for `seconds`; waits for the last acks.
 */
export async function fixedRate(clients: Client[], rate: number, seconds: number, op: Op = send): Promise<LoadResult> {
  const latency = new Histogram();
  let acked = 0;
  let errors = 0;
  const total = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  const started = nowMs();
  const cpu = cpuMeter();
  const inFlight: Promise<void>[] = [];
  let next = 0;
  while (next < total) {
    // Send everything that is due (timers are coarse: catch up in a burst, as real clients would arrive).
    while (next < total && started + next * intervalMs <= nowMs()) {
      const due = started + next * intervalMs;
      const c = clients[next % clients.length];
      next++;
      inFlight.push(
        op(c).then((ack) => {
          if (ack.ok) {
            acked++;
            latency.add(nowMs() - due);
          } else errors++;
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inFlight);
  return { acked, errors, seconds: (nowMs() - started) / 1000, latency, generatorCpuPct: cpu() };
}
