/**
 * A cluster node for the split-game line of bench:cluster: a real Parlor on
 * Redis (PARLOR_REDIS_URL, PARLOR_NODE_ID and PARLOR_SECRET from the
 * environment) that measures its own game ticks while players play from a
 * load worker. Driven over IPC like bench/game-server.ts:
 *   -> { type: "ready", port }
 *   <- "start" (measured window begins)   <- "stop" -> { type: "stats", ... }   <- "exit"
 * It also exits if its parent goes away.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createParlor } from "../server/app";
import { loadConfig } from "../server/config";
import { Histogram, type HistogramData } from "./lib/stats";

export interface NodeStats {
  type: "stats";
  seconds: number;
  games: number;
  ticks: number;
  /** Tick durations in the window (simulation + sending the deltas, remote players' through the adapter). */
  tickMs: HistogramData;
  /** CPU time over wall time, % of one core. */
  cpuPercent: number;
}

async function main(): Promise<void> {
  if (!process.send) throw new Error("bench/cluster-game-node.ts runs as a child of bench/cluster.ts (it needs an IPC channel)");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parlor-bench-split-"));
  const config = loadConfig({
    ...process.env,
    PORT: "0",
    PARLOR_DB: process.env.PARLOR_DB ?? path.join(dir, "parlor.db"),
    PARLOR_SESSION_RATE: "1000000",
    LOG_LEVEL: "silent",
  });
  const parlor = await createParlor(config);
  const port = await parlor.listen(0, "127.0.0.1");
  const ticks = new Histogram();
  let unobserve: (() => void) | undefined;
  let cpu = process.cpuUsage();
  let startedAt = 0;

  const shutdown = async () => {
    unobserve?.();
    await parlor.close();
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on("message", (msg) => {
    if (msg === "start") {
      ticks.reset();
      unobserve = parlor.games.observe((_room, ms) => ticks.add(ms));
      cpu = process.cpuUsage();
      startedAt = performance.now();
    } else if (msg === "stop") {
      const used = process.cpuUsage(cpu);
      const seconds = (performance.now() - startedAt) / 1000;
      unobserve?.();
      const stats: NodeStats = {
        type: "stats",
        seconds,
        games: parlor.games.count,
        ticks: ticks.total,
        tickMs: ticks.toJSON(),
        cpuPercent: ((used.user + used.system) / 1e6 / seconds) * 100,
      };
      process.send!(stats);
    } else if (msg === "exit") {
      void shutdown();
    }
  });
  process.on("disconnect", () => void shutdown());
  process.send({ type: "ready", port });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
