/**
 * The legitimate user of bench/abuse.ts: one `/chat` user sending a message
 * every `intervalMs` (well within the limit) and timing each ack, and a
 * `/healthz` poll timing each answer. Cheap enough to run in the benchmark's
 * own process; what it measures is the server's answer time.
 */
import { io, type Socket } from "socket.io-client";
import { Histogram } from "../lib/stats";

export interface ProbeSample {
  ack: Histogram;
  healthz: Histogram;
  failures: number;
}

export interface Probe {
  /** Starts a new sample; the previous one is returned. */
  cut(): ProbeSample;
  stop(): Promise<void>;
}

const fresh = (): ProbeSample => ({ ack: new Histogram(), healthz: new Histogram(), failures: 0 });

/**
 * @example
 * const probe = await startProbe(server.url, token, "legit");
 * ...; const sample = probe.cut(); sample.ack.percentile(99);
 */
export async function startProbe(url: string, token: string, room: string, intervalMs = 100): Promise<Probe> {
  const socket: Socket = io(`${url}/chat`, { auth: { token }, transports: ["websocket"], reconnection: true, forceNew: true });
  await new Promise<void>((resolve, reject) => (socket.once("connect", () => resolve()), socket.once("connect_error", reject)));
  await socket.timeout(10_000).emitWithAck("room:join", { room });
  let sample = fresh();
  let running = true;
  const chat = (async () => {
    for (let i = 0; running; i++) {
      const started = performance.now();
      try {
        const ack = (await socket.timeout(10_000).emitWithAck("message:send", { room, text: `legit ${i}` })) as { ok: boolean };
        if (ack.ok) sample.ack.add(performance.now() - started);
        else sample.failures++;
      } catch {
        sample.failures++;
        sample.ack.add(performance.now() - started);
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  const health = (async () => {
    while (running) {
      const started = performance.now();
      try {
        await (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) })).arrayBuffer();
      } catch {
        sample.failures++;
      }
      sample.healthz.add(performance.now() - started);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    cut() {
      const done = sample;
      sample = fresh();
      return done;
    },
    async stop() {
      running = false;
      await Promise.all([chat, health]);
      socket.close();
    },
  };
}
