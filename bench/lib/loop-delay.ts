/**
 * Reads a server's event-loop delay through bench/lib/loop-delay-probe.mjs:
 * start the server with `loopDelayProbe(file)`, then bracket a load with
 * `measureLoopDelay(server, file, load)`.
 */
import fs from "node:fs";
import path from "node:path";
import type { ServerProcess, StartOptions } from "./server";

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

const PROBE = path.resolve(__dirname, "loop-delay-probe.mjs");

/** Node flags and environment that preload the probe into a server. */
export function loopDelayProbe(file: string): Required<Pick<StartOptions, "nodeArgs" | "env">> {
  return { nodeArgs: ["--import", PROBE], env: { PARLOR_LOOP_DELAY_FILE: file } };
}

async function snapshot(server: ServerProcess, file: string): Promise<LoopDelay> {
  fs.rmSync(file, { force: true });
  process.kill(server.pid, "SIGUSR2");
  // Generous: a server whose loop is blocked (by SQL on it) answers late, and that is what is measured.
  const until = Date.now() + 30_000;
  while (!fs.existsSync(file)) {
    if (Date.now() > until) throw new Error("loop-delay probe did not answer (was the server started with loopDelayProbe?)");
    await new Promise((r) => setTimeout(r, 5));
  }
  return JSON.parse(fs.readFileSync(file, "utf8")) as LoopDelay;
}

/** Runs `load` and returns its result with the server's event-loop delay during it (ms). */
export async function measureLoopDelay<T>(
  server: ServerProcess,
  file: string,
  load: () => Promise<T>,
): Promise<{ result: T; delay: LoopDelay }> {
  await snapshot(server, file);
  const result = await load();
  return { result, delay: await snapshot(server, file) };
}
