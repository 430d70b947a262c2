/**
 * `npm run bench:game`: 50 games × 8 bots for 20 s against a Parlor in its own
 * process (bench/game-server.ts). Prints tick duration p50/p99, server CPU,
 * and per client the bytes/s of deltas next to what a full `game:state` every
 * tick would cost (the baseline, measured in the same run on the same world).
 * Writes bench/results/game.json. Goals: p99 tick < 5 ms, deltas ≤ 25% of
 * snapshot bytes.
 *
 *   npm run bench:game -- [--games 50] [--players 8] [--seconds 20]
 */
import { fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { runBots, summarize } from "../client/bots";
import type { ServerStats } from "./game-server";

const GOAL_TICK_P99_MS = 5;
const GOAL_DELTA_RATIO = 0.25;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { games: { type: "string", default: "50" }, players: { type: "string", default: "8" }, seconds: { type: "string", default: "20" } },
  });
  const opts = { games: Number(values.games), players: Number(values.players), seconds: Number(values.seconds) };
  // Whatever goes wrong, the benchmark ends by itself.
  setTimeout(() => {
    console.error("bench:game: giving up (took far longer than planned)");
    process.exit(1);
  }, (opts.seconds + 120) * 1000).unref();

  const server = fork(path.join(__dirname, "game-server.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const nextMessage = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (msg: { type?: string }) => {
        if (msg?.type !== type) return;
        server.off("message", onMessage);
        resolve(msg as T);
      };
      server.on("message", onMessage);
      server.once("exit", (code) => reject(new Error(`server exited (${code}) before "${type}"`)));
    });

  try {
    const loadAvgBefore = os.loadavg();
    const { port } = await nextMessage<{ port: number }>("ready");
    console.log(`bench:game: ${opts.games} games × ${opts.players} bots for ${opts.seconds} s, server pid ${server.pid} on port ${port}`);
    let stats: Promise<ServerStats> | undefined;
    const report = await runBots({
      url: `http://127.0.0.1:${port}`,
      ...opts,
      onReady: () => void server.send("start"),
      onWindowEnd: () => {
        stats = nextMessage<ServerStats>("stats");
        server.send("stop");
      },
    });
    const s = (await stats)!;
    const clients = summarize(report);
    const sorted = [...s.tickMs].sort((a, b) => a - b);
    const result = {
      // Other work on the host shows up as tick time: keep the load next to the numbers.
      config: { ...opts, node: process.version, cpus: os.cpus().length, loadAvgBefore, loadAvgAfter: os.loadavg() },
      server: {
        games: s.games,
        ticks: s.ticks,
        ticksPerSec: s.ticks / s.seconds,
        tickP50Ms: percentile(sorted, 50),
        tickP99Ms: percentile(sorted, 99),
        tickMaxMs: sorted[sorted.length - 1] ?? 0,
        cpuPercent: s.cpuPercent,
        eventLoopDelayP99Ms: s.eventLoopDelayP99Ms,
      },
      clients: {
        count: clients.clients,
        deltasPerSec: clients.deltasPerSec.mean,
        deltaBytesPerSec: clients.deltaBytesPerSec.mean,
        allBytesPerSec: clients.totalBytesPerSec.mean,
        snapshotBytesPerSec: clients.snapshotBytesPerSec.mean,
        deltaToSnapshotRatio: clients.deltaToSnapshotRatio,
      },
      goals: {
        tickP99UnderMs: GOAL_TICK_P99_MS,
        deltaRatioAtMost: GOAL_DELTA_RATIO,
      },
      pass: { tickP99: percentile(sorted, 99) < GOAL_TICK_P99_MS, deltaRatio: clients.deltaToSnapshotRatio <= GOAL_DELTA_RATIO },
    };

    const f = (n: number, d = 2) => n.toFixed(d);
    const rows: [string, string, string][] = [
      ["games / clients", `${s.games} / ${clients.clients}`, ""],
      ["ticks/s (all games)", f(result.server.ticksPerSec, 0), `expected ${opts.games * 20}`],
      ["tick p50", `${f(result.server.tickP50Ms, 3)} ms`, ""],
      ["tick p99", `${f(result.server.tickP99Ms, 3)} ms`, `goal < ${GOAL_TICK_P99_MS} ms: ${result.pass.tickP99 ? "PASS" : "FAIL"}`],
      ["tick max", `${f(result.server.tickMaxMs, 3)} ms`, ""],
      ["server CPU", `${f(s.cpuPercent, 1)} % of a core`, ""],
      ["event loop delay p99", `${f(s.eventLoopDelayP99Ms)} ms`, ""],
      ["host load (1 min) before/after", `${f(loadAvgBefore[0])} / ${f(os.loadavg()[0])}`, `${os.cpus().length} CPUs`],
      ["deltas/s per client", f(clients.deltasPerSec.mean, 1), ""],
      ["delta bytes/s per client", f(clients.deltaBytesPerSec.mean, 0), ""],
      ["all bytes/s per client", f(clients.totalBytesPerSec.mean, 0), "deltas + snapshots + game:over + pings"],
      ["snapshot-every-tick bytes/s", f(clients.snapshotBytesPerSec.mean, 0), "baseline, same run"],
      ["deltas / snapshots", `${f(clients.deltaToSnapshotRatio * 100, 1)} %`, `goal ≤ ${GOAL_DELTA_RATIO * 100} %: ${result.pass.deltaRatio ? "PASS" : "FAIL"}`],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    const v = Math.max(...rows.map((r) => r[1].length));
    console.log(rows.map(([k, val, note]) => `${k.padEnd(w)}  ${val.padStart(v)}  ${note}`).join("\n"));

    const out = path.join(__dirname, "results", "game.json");
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written ${path.relative(process.cwd(), out)}`);
  } finally {
    server.send("exit");
    await new Promise((resolve) => {
      if (server.exitCode !== null) return resolve(undefined);
      server.once("exit", resolve);
      setTimeout(() => server.kill(), 5000).unref();
    });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
