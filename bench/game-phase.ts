/**
 * One measured run of bench:game: a fresh Parlor in its own process
 * (bench/game-server.ts), `games × players` bots from this process and
 * `spectators` watchers per game from load workers
 * (bench/workers/game-spectators.ts), all real socket.io-client sockets, one
 * window of `seconds`. Returns the server's tick times and CPU, what the
 * clients received, and the deltas delivered, so runs with and without
 * spectators can be compared per delivery.
 */
import { fork } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { runBots, summarize } from "../client/bots";
import type { ServerStats } from "./game-server";
import { startWorker, type Worker } from "./lib/worker";

export interface PhaseOptions {
  games: number;
  players: number;
  /** Spectators per game (0: the players-only run). */
  spectators: number;
  seconds: number;
  /** Load processes the spectators are spread over (one process holding 2,900 clients reads its deltas seconds late). */
  spectatorProcs: number;
  /** Niceness of the spectator processes: the load should not take the server's CPU on a 2-core machine. */
  spectatorNice: number;
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
    /**
     * Time the server's main thread spent runnable but waiting for a CPU, % of the window (Linux
     * schedstat): the neighbours' share of the tick times on a busy host.
     */
    runQueueWaitPercent?: number;
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
  /** The players (bots): rates of all of them and of those taking exact and extrapolated deltas. */
  players: ReturnType<typeof summarize> & { deliveries: number };
  spectators?: SpectatorResult;
}

/** What the spectator workers counted: the deltas of the server's measured ticks, read however late. */
export interface SpectatorResult {
  clients: number;
  deliveries: number;
  deltasPerSec: number;
  deltaBytesPerSec: number;
  /** Gone before the end (none expected). */
  disconnected: number;
  /** Still short of the window's last tick when the drain gave up. */
  stillBehind: number;
  /** How long after the window the slowest spectator read its last delta of it, ms. */
  drainMs: number;
  /** The busiest spectator process, % of a core. */
  cpuPercent: number;
}

interface Collected {
  spectators: number;
  disconnected: number;
  stillBehind: number;
  drainMs: number;
  deliveries: number;
  bytes: number;
  cpuPercent: number;
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

/** The main thread's [ns on a CPU, ns waiting for one] (Linux /proc/<pid>/schedstat). */
function schedStat(pid: number | undefined): [number, number] | undefined {
  try {
    const [run, wait] = fs.readFileSync(`/proc/${pid}/schedstat`, "utf8").trim().split(/\s+/).map(Number);
    return Number.isFinite(run) && Number.isFinite(wait) ? [run, wait] : undefined;
  } catch {
    return undefined;
  }
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function spectatorResult(parts: Collected[], seconds: number): SpectatorResult | undefined {
  const sum = (f: (c: Collected) => number) => parts.reduce((s, c) => s + f(c), 0);
  const clients = sum((c) => c.spectators);
  if (!clients) return undefined;
  return {
    clients,
    deliveries: sum((c) => c.deliveries),
    deltasPerSec: sum((c) => c.deliveries) / clients / seconds,
    deltaBytesPerSec: sum((c) => c.bytes) / clients / seconds,
    disconnected: sum((c) => c.disconnected),
    stillBehind: sum((c) => c.stillBehind),
    drainMs: Math.max(...parts.map((c) => c.drainMs)),
    cpuPercent: Math.max(...parts.map((c) => c.cpuPercent)),
  };
}

/**
 * Starts a server, plays one window, stops the server (which writes its profile when asked for one).
 *
 * @example
 * const run = await runPhase({ games: 50, players: 8, spectators: 50, seconds: 20, spectatorProcs: 2, spectatorNice: 10 });
 * console.log(run.server.tickP99Ms, run.serverCpuUsPerDelivery);
 */
export async function runPhase(opts: PhaseOptions): Promise<PhaseResult> {
  const server = fork(path.join(__dirname, "game-server.ts"), [], {
    execArgv: ["--import", "tsx", ...(opts.profDir ? ["--cpu-prof", "--cpu-prof-dir", opts.profDir] : [])],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    // Every client connects from 127.0.0.1: lift the per-address connection cap (200), as fanout does.
    env: { ...process.env, PARLOR_MAX_CONNECTIONS_PER_ADDRESS: "1000000" },
  });
  const workers: Worker[] = opts.spectators > 0 ? Array.from({ length: opts.spectatorProcs }, () => startWorker("game-spectators")) : [];
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
    const { port, secret } = await nextMessage<{ port: number; secret: string }>("ready");
    const url = `http://127.0.0.1:${port}`;
    let stats: ServerStats | undefined;
    let collected: Collected[] = [];
    let loadCpu = process.cpuUsage();
    let loadStarted = 0;
    let loadCpuPercent = 0;
    let sched0: [number, number] | undefined;
    let runQueueWaitPercent: number | undefined;
    const loadDelay = monitorEventLoopDelay({ resolution: 10 });
    const report = await runBots({
      url,
      games: opts.games,
      players: opts.players,
      seconds: opts.seconds,
      onReady: async () => {
        await Promise.all(
          workers.map((w, part) =>
            w.call("spectate", { url, secret, perGame: opts.spectators, part, parts: workers.length, nice: opts.spectatorNice }, 300_000),
          ),
        );
        await Promise.all(workers.map((w) => w.call("start")));
        server.send("start");
        sched0 = schedStat(server.pid);
        loadCpu = process.cpuUsage();
        loadStarted = performance.now();
        loadDelay.enable();
      },
      onWindowEnd: async () => {
        const used = process.cpuUsage(loadCpu);
        loadCpuPercent = ((used.user + used.system) / 1000 / (performance.now() - loadStarted)) * 100;
        loadDelay.disable();
        // The bots leave once this resolves: the server must have stopped measuring first.
        const stopped = nextMessage<ServerStats>("stats");
        server.send("stop");
        stats = await stopped;
        const sched1 = schedStat(server.pid);
        if (sched0 && sched1) runQueueWaitPercent = ((sched1[1] - sched0[1]) / 1e6 / (stats.seconds * 1000)) * 100;
        const { startTicks, stopTicks } = stats;
        collected = await Promise.all(workers.map((w) => w.call<Collected>("collect", { startTicks, stopTicks })));
      },
    });
    const s = stats!;
    const rss = peakRssMb(server.pid);
    const sorted = [...s.tickMs].sort((a, b) => a - b);
    const players = { ...summarize(report), deliveries: report.clients.reduce((n, c) => n + c.deltas, 0) };
    const spectators = spectatorResult(collected, s.seconds);
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
        runQueueWaitPercent,
      },
      deliveries,
      deliveredPerClientTick: deliveries / Math.max(1, s.ticks * (opts.players + opts.spectators)),
      serverCpuUsPerDelivery: (cpuMs * 1000) / Math.max(1, deliveries),
      loadCpuPercent,
      loadLoopDelayP99Ms: loadDelay.percentile(99) / 1e6,
      players,
      spectators,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    if (server.connected) server.send("exit");
    await new Promise((resolve) => {
      if (server.exitCode !== null) return resolve(undefined);
      server.once("exit", resolve);
      setTimeout(() => server.kill(), 5000).unref();
    });
  }
}
