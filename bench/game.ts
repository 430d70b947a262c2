/**
 * `npm run bench:game`: 50 games × 8 bots for 20 s, then the same games with
 * 50 spectators each (issue 17), each run against a fresh Parlor in its own
 * process (bench/game-server.ts). All clients are real socket.io-client
 * sockets: the bots in this process, the spectators in load workers
 * (bench/workers/game-spectators.ts, niced, counting the deltas of the
 * server's measured ticks however late they read them). Prints, per run, tick duration p50/p99, server CPU,
 * the deltas delivered to clients and the server CPU per delivered delta,
 * and per client the bytes/s of deltas next to what a full `game:state` every
 * tick would cost (the baseline, measured in the same run on the same world).
 * In every game half the bots take the deltas PROTOCOL.md describes (exact:
 * every moving player every tick) and half join with `extrapolate: true` (as
 * the game page does); the spectators are split the same way.
 *
 * Goals: tick p99 < 5 ms in both runs; deltas ≤ 25 % of snapshot bytes;
 * server CPU per delivered delta with spectators ≤ 1.2× the players-only run's.
 * Writes bench/results/game.json.
 *
 *   npm run bench:game -- [--games 50] [--players 8] [--spectators 50] [--seconds 20] [--rounds 1]
 *                         [--spectator-procs 2] [--spectator-nice 10] [--cpu-prof]
 *
 * `--rounds N` repeats the pair, alternating which run goes first, and
 * compares medians (the host's other load falls on both alike). `--cpu-prof`
 * profiles the server of each run and prints where its time goes.
 */
import os from "node:os";
import path from "node:path";
import { benchArgs } from "./lib/args";
import { summarizeProfile } from "./lib/profile";
import { RESULTS_DIR, ratio, writeResult, type Ratio } from "./lib/results";
import { median } from "./lib/stats";
import { fmt, printRatios, printTable } from "./lib/table";
import { runPhase, type PhaseResult } from "./game-phase";

const GOAL_TICK_P99_MS = 5;
const GOAL_DELTA_RATIO = 0.25;
const GOAL_SPECTATOR_CPU_RATIO = 1.2;

const opts = benchArgs({
  games: 50,
  players: 8,
  spectators: 50,
  seconds: 20,
  rounds: 1,
  "spectator-procs": 2,
  "spectator-nice": 10,
  "cpu-prof": false,
});
const profDir = (run: number, label: string) => path.join(RESULTS_DIR, `game-prof-${run}-${label}`);
const labelOf = (r: PhaseResult) => (r.spectatorsPerGame ? `+${r.spectatorsPerGame} spectators/game` : "players only");

/** One column of the per-run table. */
function column(r: PhaseResult): string[] {
  const pct = (x: number | undefined) => (x === undefined ? "–" : `${fmt(x * 100, 1)} %`);
  return [
    `${r.server.games} / ${r.players.clients} + ${r.spectators?.clients ?? 0}`,
    fmt(r.server.ticksPerSec),
    fmt(r.server.tickP50Ms, 3),
    fmt(r.server.tickP99Ms, 3),
    fmt(r.server.tickMaxMs, 3),
    `${fmt(r.server.cpuPercent, 1)} %`,
    r.server.runQueueWaitPercent === undefined ? "–" : `${fmt(r.server.runQueueWaitPercent, 1)} %`,
    fmt(r.server.eventLoopDelayP99Ms, 2),
    fmt(r.server.peakRssMb),
    fmt(r.deliveries),
    fmt(r.deliveries / r.seconds),
    pct(r.deliveredPerClientTick),
    fmt(r.serverCpuUsPerDelivery, 2),
    `${fmt(r.loadCpuPercent)} %`,
    fmt(r.loadLoopDelayP99Ms, 2),
    fmt(r.players.deltasPerSec.mean, 1),
    fmt(r.spectators?.deltasPerSec, 1),
    fmt(r.spectators?.deltaBytesPerSec),
    fmt(r.spectators?.drainMs),
    r.spectators ? `${fmt(r.spectators.cpuPercent)} %` : "–",
    r.spectators ? `${r.spectators.disconnected} / ${r.spectators.stillBehind}` : "–",
    fmt(r.players.snapshotBytesPerSec.mean),
    fmt(r.players.exact?.deltaBytesPerSec.mean),
    pct(r.players.exact?.deltaToSnapshotRatio),
    fmt(r.players.extrapolated?.deltaBytesPerSec.mean),
    pct(r.players.extrapolated?.deltaToSnapshotRatio),
  ];
}
const ROW_LABELS = [
  "games / players + spectators",
  "ticks/s (all games)",
  "tick p50 (ms)",
  "tick p99 (ms)",
  "tick max (ms)",
  "server CPU (of a core)",
  "server waiting for a CPU (of the window)",
  "event loop delay p99 (ms)",
  "server peak RSS (MB)",
  "deltas delivered",
  "deltas delivered/s",
  "delivered / (ticks × clients)",
  "server CPU per delivery (µs)",
  "bots process CPU (of a core)",
  "bots process loop delay p99 (ms)",
  "player: deltas/s per client",
  "spectator: deltas/s per client",
  "spectator: delta bytes/s per client",
  "spectators read the window by (ms after)",
  "spectator process CPU (busiest)",
  "spectators gone / still behind",
  "snapshot-every-tick bytes/s",
  "exact: delta bytes/s per client",
  "exact: deltas / snapshots",
  "extrapolated: delta bytes/s",
  "extrapolated: deltas / snapshots",
];

/** Median over runs; no runs (a kind missing): NaN, which no goal passes. */
const mid = (runs: PhaseResult[], f: (r: PhaseResult) => number | undefined) => {
  const values = runs.map(f).filter((v): v is number => v !== undefined);
  return values.length ? median(values) : NaN;
};

async function main(): Promise<void> {
  // Whatever goes wrong, the benchmark ends by itself.
  setTimeout(
    () => {
      console.error("bench:game: giving up (took far longer than planned)");
      process.exit(1);
    },
    opts.rounds * 2 * (opts.seconds + 90) * 1000,
  ).unref();
  const startedAt = new Date().toISOString();
  const loadAvgBefore = os.loadavg();
  console.log(
    `bench:game: ${opts.games} games × ${opts.players} bots, players only and with ${opts.spectators} spectators per game, ${opts.seconds} s each, ${opts.rounds} round(s)`,
  );

  const runs: PhaseResult[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    const order = round % 2 === 0 ? [0, opts.spectators] : [opts.spectators, 0];
    for (const spectators of order) {
      const label = spectators ? "spectators" : "players";
      const run = await runPhase({
        ...opts,
        spectators,
        spectatorProcs: opts["spectator-procs"],
        spectatorNice: opts["spectator-nice"],
        profDir: opts["cpu-prof"] ? profDir(round, label) : undefined,
      });
      runs.push(run);
      console.log(
        `  ${labelOf(run)}: tick p99 ${fmt(run.server.tickP99Ms, 3)} ms, ${fmt(run.deliveries)} deltas delivered, server CPU ${fmt(run.server.cpuPercent)} % (waiting for a CPU ${fmt(run.server.runQueueWaitPercent)} %) = ${fmt(run.serverCpuUsPerDelivery, 2)} µs per delivery, bots CPU ${fmt(run.loadCpuPercent)} %${run.spectators ? `, busiest spectator process ${fmt(run.spectators.cpuPercent)} %` : ""}`,
      );
      if (opts["cpu-prof"])
        console.log(`\n${labelOf(run)}, server CPU profile (self time):\n${summarizeProfile(profDir(round, label), 25)}\n`);
    }
  }
  const gone = runs.reduce((n, r) => n + (r.spectators?.disconnected ?? 0), 0);
  if (gone > 0)
    console.log(
      `\nwarning: ${gone} spectators were disconnected during their runs (the load processes did not keep up, e.g. a host too busy for ` +
        `their --spectator-nice ${opts["spectator-nice"]}): those runs deliver less than the server sent, run again on a quieter host`,
    );
  const playersOnly = runs.filter((r) => r.spectatorsPerGame === 0);
  const withSpectators = runs.filter((r) => r.spectatorsPerGame > 0);

  console.log("");
  printTable(
    ["run", ...runs.map(labelOf)],
    ROW_LABELS.map((label, i) => [label, ...runs.map((r) => column(r)[i])]),
  );
  console.log(`host load (1 min) before/after: ${fmt(loadAvgBefore[0], 2)} / ${fmt(os.loadavg()[0], 2)}, ${os.cpus().length} CPUs\n`);

  const ratios: Ratio[] = [
    ratio(
      `tick p99 ms, players only (budget ${GOAL_TICK_P99_MS} ms)`,
      mid(playersOnly, (r) => r.server.tickP99Ms),
      GOAL_TICK_P99_MS,
      {
        atMost: 1,
      },
    ),
    ratio(
      `tick p99 ms, +${opts.spectators} spectators/game (budget ${GOAL_TICK_P99_MS} ms)`,
      mid(withSpectators, (r) => r.server.tickP99Ms),
      GOAL_TICK_P99_MS,
      { atMost: 1 },
    ),
    ratio(
      `server CPU µs per delivered delta, +${opts.spectators} spectators/game vs players only`,
      mid(withSpectators, (r) => r.serverCpuUsPerDelivery),
      mid(playersOnly, (r) => r.serverCpuUsPerDelivery),
      { atMost: GOAL_SPECTATOR_CPU_RATIO },
    ),
  ];
  for (const kind of ["exact", "extrapolated"] as const) {
    ratios.push(
      ratio(
        `delta vs snapshot-every-tick bytes/s per client, ${kind}, players only`,
        mid(playersOnly, (r) => r.players[kind]?.deltaBytesPerSec.mean),
        mid(playersOnly, (r) => r.players[kind]?.snapshotBytesPerSec.mean),
        { atMost: GOAL_DELTA_RATIO },
      ),
    );
  }
  printRatios(ratios, "baseline");

  const file = writeResult({
    name: "game",
    startedAt,
    params: { ...opts, loadAvgBefore, loadAvgAfter: os.loadavg() },
    results: {
      goals: {
        tickP99UnderMs: GOAL_TICK_P99_MS,
        deltaRatioAtMost: GOAL_DELTA_RATIO,
        spectatorCpuPerDeliveryRatioAtMost: GOAL_SPECTATOR_CPU_RATIO,
      },
      runs,
    },
    ratios,
  });
  console.log(`written ${path.relative(process.cwd(), file)}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
