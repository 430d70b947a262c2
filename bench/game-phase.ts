/**
 * One measured run of bench:game: a fresh Parlor in its own process
 * (bench/game-server.ts), `games × players` bots and `spectators` watchers per
 * game from this process (real socket.io-client sockets), one window of
 * `seconds`. Returns the server's tick times and CPU, what the clients
 * received, and the deltas delivered, so runs with and without spectators can
 * be compared per delivery.
 */
import { fork } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { runBots, summarize, type BotReport, type ClientRates } from "../client/bots";
import type { ServerStats } from "./game-server";

export interface PhaseOptions {
  games: number;
  players: number;
  /** Spectators per game (0: the players-only run). */
  spectators: number;
  seconds: number;
  /** Write a V8 CPU profile of the server into this folder (`--cpu-prof`). */
  profDir?: string;
}

export interface PhaseResult {
  spectatorsPerGame: number;
  seconds: number;
  server: {
    games: number;
    ticks: number;
    ticksPerSec: number;
    tickP50Ms: number;
    tickP99Ms: number;
    tickMaxMs: number;
    cpuPercent: number;
    cpuMs: number;
    eventLoopDelayP99Ms: number;
    /** Peak resident memory of the server process (Linux: VmHWM), MB. */
    peakRssMb?: number;
  };
  /** `game:delta`s the clients received and applied in the window, players and spectators. */
  deliveries: number;
  /** Deliveries if every client got a delta on every tick of its game: below 1 means idle ticks, or clients falling behind. */
  deliveredPerClientTick: number;
  /** Server CPU per delivered delta, µs (simulation, inputs and sending, all divided by the deliveries). */
  serverCpuUsPerDelivery: number;
  /** This (the load) process's CPU in the window, % of a core: near 100 means the bots, not the server, are the limit. */
  loadCpuPercent: number;
  /** This process's event-loop delay p99 in the window, ms: high means the clients read their deltas late. */
  loadLoopDelayP99Ms: number;
  /** Every client, players and spectators (the exact / extrapolated split is of both). */
  clients: ReturnType<typeof summarize>;
  players: ClientRates & { deliveries: number };
  spectators?: ClientRates & { deliveries: number };
}

/** The peak RSS of process `pid` in MB, where /proc tells it. */
function peakRssMb(pid: number | undefined): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The rates of the players or the spectators of a report (undefined when there are none). */
function part(report: BotReport, spectators: boolean) {
  const clients = report.clients.filter((c) => (c.spectator === true) === spectators);
  if (!clients.length) return undefined;
  const rates = summarize({ ...report, clients });
  return { ...rates, deliveries: clients.reduce((s, c) => s + c.deltas, 0) };
}

/**
 * Starts a server, plays one window, stops the server (which writes its profile when asked for one).
 *
 * @example
 * const run = await runPhase({ games: 50, players: 8, spectators: 50, seconds: 20 });
 * console.log(run.server.tickP99Ms, run.serverCpuUsPerDelivery);
 */
export async function runPhase(opts: PhaseOptions): Promise<PhaseResult> {
  const server = fork(path.join(__dirname, "game-server.ts"), [], {
    execArgv: ["--import", "tsx", ...(opts.profDir ? ["--cpu-prof", "--cpu-prof-dir", opts.profDir] : [])],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    // Every client connects from 127.0.0.1: lift the per-address connection cap (200), as fanout does.
    env: { ...process.env, PARLOR_MAX_CONNECTIONS_PER_ADDRESS: "1000000" },
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
    const { port } = await nextMessage<{ port: number }>("ready");
    let stats: Promise<ServerStats> | undefined;
    let loadCpu = process.cpuUsage();
    let loadStarted = 0;
    let loadCpuPercent = 0;
    const loadDelay = monitorEventLoopDelay({ resolution: 10 });
    const report = await runBots({
      url: `http://127.0.0.1:${port}`,
      games: opts.games,
      players: opts.players,
      spectators: opts.spectators,
      seconds: opts.seconds,
      onReady: () => {
        server.send("start");
        loadCpu = process.cpuUsage();
        loadStarted = performance.now();
        loadDelay.enable();
      },
      onWindowEnd: () => {
        const used = process.cpuUsage(loadCpu);
        loadCpuPercent = ((used.user + used.system) / 1000 / (performance.now() - loadStarted)) * 100;
        loadDelay.disable();
        stats = nextMessage<ServerStats>("stats");
        server.send("stop");
      },
    });
    const s = (await stats)!;
    const rss = peakRssMb(server.pid);
    const sorted = [...s.tickMs].sort((a, b) => a - b);
    const players = part(report, false)!;
    const spectators = part(report, true);
    const deliveries = players.deliveries + (spectators?.deliveries ?? 0);
    const cpuMs = (s.cpuPercent / 100) * s.seconds * 1000;
    return {
      spectatorsPerGame: opts.spectators,
      seconds: s.seconds,
      server: {
        games: s.games,
        ticks: s.ticks,
        ticksPerSec: s.ticks / s.seconds,
        tickP50Ms: percentile(sorted, 50),
        tickP99Ms: percentile(sorted, 99),
        tickMaxMs: sorted[sorted.length - 1] ?? 0,
        cpuPercent: s.cpuPercent,
        cpuMs,
        eventLoopDelayP99Ms: s.eventLoopDelayP99Ms,
        peakRssMb: rss,
      },
      deliveries,
      deliveredPerClientTick: deliveries / Math.max(1, s.ticks * (opts.players + opts.spectators)),
      serverCpuUsPerDelivery: (cpuMs * 1000) / Math.max(1, deliveries),
      loadCpuPercent,
      loadLoopDelayP99Ms: loadDelay.percentile(99) / 1e6,
      clients: summarize(report),
      players,
      spectators,
    };
  } finally {
    if (server.connected) server.send("exit");
    await new Promise((resolve) => {
      if (server.exitCode !== null) return resolve(undefined);
      server.once("exit", resolve);
      setTimeout(() => server.kill(), 5000).unref();
    });
  }
}
