/**
 * The split-game line of bench:cluster: one game whose players are on two
 * nodes joined by Redis — half on the node that runs the game (the owner),
 * half on another node, whose inputs cross the game bus and whose deltas
 * cross the adapter. Measured in the same run and the same game: the owner's
 * tick p99, and input → delta latency for remote players against local ones.
 */
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { NodeStats } from "./cluster-game-node";
import { Histogram, type HistogramData } from "./lib/stats";
import { mintTokens } from "./lib/tokens";
import { startWorker } from "./lib/worker";

export interface SplitGameResult {
  players: { local: number; remote: number };
  seconds: number;
  ownerTicks: number;
  ownerTickP50: number;
  ownerTickP99: number;
  ownerCpuPct: number;
  /** Input → delta, ms, per kind of player. */
  local: { samples: number; p50: number; p99: number };
  remote: { samples: number; p50: number; p99: number };
  /** remote p99 − local p99 (goal ≤ 5 ms). */
  extraP99: number;
}

interface Node {
  url: string;
  child: ChildProcess;
  stats(): Promise<NodeStats>;
  stop(): Promise<void>;
}

function startNode(env: Record<string, string>): Promise<Node> {
  const child = fork(path.join(__dirname, "cluster-game-node.ts"), [], {
    execArgv: ["--import", "tsx"],
    cwd: path.resolve(__dirname, ".."),
    env: { ...process.env, NODE_ENV: "production", ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`split-game node exited (${code})`)));
    child.once("message", (msg: { type: string; port: number }) => {
      if (msg.type !== "ready") return reject(new Error(`unexpected ${JSON.stringify(msg)}`));
      resolve({
        url: `http://127.0.0.1:${msg.port}`,
        child,
        stats: () =>
          new Promise((res) => {
            child.once("message", (m: NodeStats) => res(m));
            child.send("stop");
          }),
        async stop() {
          if (child.exitCode === null) child.send("exit");
          const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
          await exited;
          clearTimeout(timer);
        },
      });
    });
  });
}

const summary = (data: HistogramData | undefined) => {
  const h = new Histogram();
  if (data) h.merge(data);
  return { samples: h.total, p50: h.percentile(50), p99: h.percentile(99) };
};

/**
 * @example
 * const split = await runSplitGame({ redisUrl, secret, players: 8, seconds: 15, env: { PARLOR_DB: file } });
 */
export async function runSplitGame(opts: {
  redisUrl: string;
  secret: string;
  players: number;
  seconds: number;
  env: Record<string, string>;
}): Promise<SplitGameResult> {
  const env = { ...opts.env, PARLOR_REDIS_URL: opts.redisUrl, PARLOR_SECRET: opts.secret };
  const nodes: Node[] = [];
  const worker = startWorker("game-split-players");
  try {
    nodes.push(await startNode({ ...env, PARLOR_NODE_ID: "split-owner" }));
    nodes.push(await startNode({ ...env, PARLOR_NODE_ID: "split-other" }));
    const [owner, other] = nodes;
    const tokens = mintTokens(opts.secret, opts.players, "split");
    // Players alternate nodes; the first, on the owner, creates the game there.
    const list = tokens.map((token, i) =>
      i % 2 === 0 ? { url: owner.url, token, label: "local" } : { url: other.url, token, label: "remote" },
    );
    await worker.call("setup", { players: list });
    await worker.call("play", { durationMs: 2000, record: false }); // warm-up
    owner.child.send("start");
    const latency = await worker.call<Record<string, HistogramData>>("play", { durationMs: opts.seconds * 1000, record: true }, 600_000);
    const stats = await owner.stats();
    const ticks = new Histogram();
    ticks.merge(stats.tickMs);
    const l = summary(latency.local);
    const r = summary(latency.remote);
    return {
      players: { local: list.filter((p) => p.label === "local").length, remote: list.filter((p) => p.label === "remote").length },
      seconds: stats.seconds,
      ownerTicks: stats.ticks,
      ownerTickP50: ticks.percentile(50),
      ownerTickP99: ticks.percentile(99),
      ownerCpuPct: stats.cpuPercent,
      local: l,
      remote: r,
      extraP99: r.p99 - l.p99,
    };
  } finally {
    await worker.stop();
    await Promise.all(nodes.map((n) => n.stop()));
  }
}
