/**
 * The second user of every abuse test: sends at an allowed pace while an
 * attack runs and records each ack's latency, so a test can assert the
 * attack left them served.
 */
import type { Socket } from "socket.io-client";
import { emitAck } from "../../helpers";

export interface LegitLoop {
  /** Stops after the current emit; resolves with the latencies (ms) and any failed acks. */
  stop(): Promise<{ latencies: number[]; failures: unknown[] }>;
}

/** Emits `event` with `payload(i)` every `intervalMs` until stopped. */
export function legitLoop(socket: Socket<any, any>, event: string, payload: (i: number) => unknown, intervalMs = 50): LegitLoop {
  let running = true;
  const latencies: number[] = [];
  const failures: unknown[] = [];
  const done = (async () => {
    for (let i = 0; running; i++) {
      const started = performance.now();
      const ack = payload(i) === undefined ? await emitAck(socket, event) : await emitAck(socket, event, payload(i));
      latencies.push(performance.now() - started);
      if (!ack.ok) failures.push(ack);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return { latencies, failures };
    },
  };
}

/** The `p`-th percentile (0–100) of `values`. */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}
