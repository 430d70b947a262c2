/**
 * The benchmark's server process: a real Parlor (temp SQLite, silent logs)
 * on an ephemeral port, measuring itself while the bots play from another
 * process (so the two never share an event loop). Driven over IPC:
 *   -> { type: "ready", port, secret }  once listening (load workers mint their tokens with the secret)
 *   <- "start"                       measured window begins
 *   <- "stop"   -> { type: "stats", ... }
 *   <- "exit"                        close and exit
 * It also exits if its parent goes away.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createParlor } from "../server/app";
import { loadConfig } from "../server/config";

export interface ServerStats {
  type: "stats";
  seconds: number;
  games: number;
  ticks: number;
  /** Every tick's duration in the window, ms (simulation + sending the deltas). */
  tickMs: number[];
  /** CPU time over wall time, % of one core. */
  cpuPercent: number;
  eventLoopDelayP99Ms: number;
  /** Each game's tick as the window began and as it ended: the ticks measured are after the one and up to the other. */
  startTicks: Record<string, number>;
  stopTicks: Record<string, number>;
}

async function main(): Promise<void> {
  if (!process.send) throw new Error("bench/game-server.ts runs as a child of bench/game.ts (it needs an IPC channel)");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parlor-bench-game-"));
  // Every bot signs in from 127.0.0.1: lift the per-address session limit (set as an
  // environment variable, so this works whatever limits the config grows).
  const config = loadConfig({
    ...process.env,
    PORT: "0",
    PARLOR_DB: path.join(dir, "parlor.db"),
    PARLOR_SECRET: "bench-secret-bench-secret-bench",
    PARLOR_NODE_ID: "bench",
    PARLOR_SESSION_RATE: "1000000",
    LOG_LEVEL: "silent",
  });
  const parlor = await createParlor(config);
  const port = await parlor.listen(0, "127.0.0.1");

  let tickMs: number[] = [];
  let unobserve: (() => void) | undefined;
  let cpu = process.cpuUsage();
  let startedAt = 0;
  let startTicks: Record<string, number> = {};
  const ticksNow = () => Object.fromEntries(parlor.games.all().map((room) => [room.id, room.world.tick]));
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });

  const shutdown = async () => {
    unobserve?.();
    await parlor.close();
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };

  process.on("message", (msg) => {
    if (msg === "start") {
      tickMs = [];
      unobserve = parlor.games.observe((_room, ms) => tickMs.push(ms));
      loopDelay.reset();
      loopDelay.enable();
      cpu = process.cpuUsage();
      startedAt = performance.now();
      startTicks = ticksNow();
    } else if (msg === "stop") {
      const used = process.cpuUsage(cpu);
      const seconds = (performance.now() - startedAt) / 1000;
      unobserve?.();
      loopDelay.disable();
      const stats: ServerStats = {
        type: "stats",
        seconds,
        games: parlor.games.count,
        ticks: tickMs.length,
        tickMs,
        cpuPercent: ((used.user + used.system) / 1e6 / seconds) * 100,
        eventLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        startTicks,
        stopTicks: ticksNow(),
      };
      process.send!(stats);
    } else if (msg === "exit") {
      void shutdown();
    }
  });
  process.on("disconnect", () => void shutdown());
  process.send({ type: "ready", port, secret: config.secret });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
