/**
 * `npm run bench:game`: 50 games × 8 bots for 20 s against a Parlor in its own
 * process (bench/game-server.ts). Prints tick duration p50/p99, server CPU,
 * and per client the bytes/s of deltas next to what a full `game:state` every
 * tick would cost (the baseline, measured in the same run on the same world).
 * Writes bench/results/game.json. Goals: p99 tick < 5 ms, deltas ≤ 25% of
 * snapshot bytes. In every game half the bots take the deltas PROTOCOL.md
 * describes (exact: every moving player every tick) and half join with
 * `extrapolate: true` (as the game page does), so both kinds are measured on
 * the same world in the same run.
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
import { ratio, type Ratio } from "./lib/results";

const GOAL_TICK_P99_MS = 5;
const GOAL_DELTA_RATIO = 0.25;

type Rates = ReturnType<typeof summarize>["exact"];
const kind = (r: Rates) =>
  r && {
    clients: r.clients,
    deltasPerSec: r.deltasPerSec.mean,
    deltaBytesPerSec: r.deltaBytesPerSec.mean,
    allBytesPerSec: r.totalBytesPerSec.mean,
    deltaToSnapshotRatio: r.deltaToSnapshotRatio,
  };
/** No clients of a kind: nothing measured, so no pass. */
const ratioOf = (r: Rates) => r?.deltaToSnapshotRatio ?? Infinity;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      games: { type: "string", default: "50" },
      players: { type: "string", default: "8" },
      seconds: { type: "string", default: "20" },
    },
  });
  const opts = { games: Number(values.games), players: Number(values.players), seconds: Number(values.seconds) };
  // Whatever goes wrong, the benchmark ends by itself.
  setTimeout(
    () => {
      console.error("bench:game: giving up (took far longer than planned)");
      process.exit(1);
    },
    (opts.seconds + 120) * 1000,
  ).unref();

  const server = fork(path.join(__dirname, "game-server.ts"), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
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
        exact: kind(clients.exact),
        extrapolated: kind(clients.extrapolated),
      },
      goals: {
        tickP99UnderMs: GOAL_TICK_P99_MS,
        deltaRatioAtMost: GOAL_DELTA_RATIO,
      },
      pass: {
        tickP99: percentile(sorted, 99) < GOAL_TICK_P99_MS,
        deltaRatioExact: ratioOf(clients.exact) <= GOAL_DELTA_RATIO,
        deltaRatioExtrapolated: ratioOf(clients.extrapolated) <= GOAL_DELTA_RATIO,
      },
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
      ["snapshot-every-tick bytes/s", f(clients.snapshotBytesPerSec.mean, 0), "baseline, same run"],
    ];
    const goal = (pass: boolean) => `goal ≤ ${GOAL_DELTA_RATIO * 100} %: ${pass ? "PASS" : "FAIL"}`;
    for (const [label, r, pass] of [
      ["exact", clients.exact, result.pass.deltaRatioExact],
      ["extrapolated", clients.extrapolated, result.pass.deltaRatioExtrapolated],
    ] as const) {
      if (!r) continue;
      rows.push(
        [`${label}: deltas/s per client`, f(r.deltasPerSec.mean, 1), `${r.clients} clients`],
        [`${label}: delta bytes/s per client`, f(r.deltaBytesPerSec.mean, 0), ""],
        [`${label}: all bytes/s per client`, f(r.totalBytesPerSec.mean, 0), "deltas + snapshots + game:over + pings"],
        [`${label}: deltas / snapshots`, `${f(r.deltaToSnapshotRatio * 100, 1)} %`, goal(pass)],
      );
    }
    const w = Math.max(...rows.map((r) => r[0].length));
    const v = Math.max(...rows.map((r) => r[1].length));
    console.log(rows.map(([k, val, note]) => `${k.padEnd(w)}  ${val.padStart(v)}  ${note}`).join("\n"));

    // The runner's summary (bench/run.ts) reads these.
    const ratios: Ratio[] = [
      ratio(`tick p99 ms (budget ${GOAL_TICK_P99_MS} ms)`, result.server.tickP99Ms, GOAL_TICK_P99_MS, { atMost: 1 }),
    ];
    for (const [label, r] of [
      ["exact", clients.exact],
      ["extrapolated", clients.extrapolated],
    ] as const) {
      if (r)
        ratios.push(
          ratio(`delta vs snapshot-every-tick bytes/s per client, ${label}`, r.deltaBytesPerSec.mean, r.snapshotBytesPerSec.mean, {
            atMost: GOAL_DELTA_RATIO,
          }),
        );
    }
    const out = path.join(__dirname, "results", "game.json");
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify({ name: "game", ...result, ratios }, null, 2)}\n`);
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
