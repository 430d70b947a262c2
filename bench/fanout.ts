/**
 * Fanout: one room, many receivers, senders at a fixed rate stepped up until
 * delivery falls behind. Parlor (which stores every message before it
 * broadcasts) against a bare Socket.IO server that only relays, in the same
 * run on this machine. Load runs in worker processes, never in the server's.
 *
 *   npm run bench:fanout [-- --receivers 500 --step-ms 2000 --cpu-prof]
 */
import path from "node:path";
import { benchArgs } from "./lib/args";
import { summarizeProfile } from "./lib/profile";
import { ratio, writeResult, type Ratio } from "./lib/results";
import { startServer, type ServerKind } from "./lib/server";
import { Histogram, median, nowMs, type HistogramData } from "./lib/stats";
import { fmt, printRatios, printTable } from "./lib/table";
import { mintTokens } from "./lib/tokens";
import { startWorker, type Worker } from "./lib/worker";

const opts = benchArgs({
  receivers: 500,
  "receiver-procs": 2,
  senders: 10,
  "step-ms": 2000,
  "start-rate": 40,
  factor: 1.25,
  "max-steps": 14,
  /** A step falls behind when p99 end-to-end latency exceeds this (ms) or deliveries go missing. */
  "max-p99": 500,
  "drain-ms": 3000,
  only: "",
  "cpu-prof": false,
});
const ROOM = "bench";

interface Step {
  rate: number;
  offered: number;
  delivered: number;
  expected: number;
  deliveredPerSec: number;
  p50: number;
  p99: number;
  ackP50: number;
  sendErrors: number;
  /** Server CPU per 1000 deliveries (ms): the server's cost, whatever the machine's load. */
  cpuPerK: number;
  /** Server CPU use during the step, % of one core. */
  serverCpuPct: number;
  /** The busiest receiver process's CPU use, % of one core: near 100 means the load generator, not the server, is the limit. */
  receiverCpuPct: number;
  behind: boolean;
  /** This rate was run twice: the first attempt fell behind. */
  retried?: boolean;
}

interface KindResult {
  kind: ServerKind;
  steps: Step[];
  maxDelivered: number;
  sustainedRate: number;
  profile?: string;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function waitForDeliveries(receivers: Worker[], expected: number, maxMs: number): Promise<void> {
  const deadline = nowMs() + maxMs;
  let last = -1;
  let stableSince = nowMs();
  while (nowMs() < deadline) {
    const got = sum(await Promise.all(receivers.map(async (r) => (await r.call<{ received: number }>("peek")).received)));
    if (got >= expected) return;
    // Nothing new for a while: whatever is missing is not coming.
    if (got !== last) {
      last = got;
      stableSince = nowMs();
    } else if (nowMs() - stableSince > 1000) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Rig {
  kind: ServerKind;
  server: Awaited<ReturnType<typeof startServer>>;
  receivers: Worker[];
  senders: Worker;
  receiverCount: number;
  steps: Step[];
  profDir: string;
  retried?: boolean;
}

/** A server of `kind` with its receivers and senders connected and warmed up. */
async function setupRig(kind: ServerKind): Promise<Rig> {
  const profDir = path.resolve(__dirname, "results", `fanout-${kind}-prof`);
  const server = await startServer(kind, {
    // The per-user rate limit guards against abuse, not load: lift it for the benchmark.
    // Also the per-address connection cap: every socket comes from this machine.
    env: { PARLOR_RATE_PER_SEC: "1000000", PARLOR_RATE_BURST: "1000000", PARLOR_MAX_CONNECTIONS_PER_ADDRESS: "1000000" },
    nodeArgs: opts["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", profDir] : [],
    graceful: opts["cpu-prof"],
  });
  const receivers = Array.from({ length: opts["receiver-procs"] }, () => startWorker("chat-clients"));
  const senders = startWorker("chat-clients");
  const rig: Rig = { kind, server, receivers, senders, receiverCount: 0, steps: [], profDir };
  try {
    const tokens = (n: number, prefix: string) => (kind === "parlor" ? mintTokens(server.secret, n, prefix) : undefined);
    const perProc = Math.ceil(opts.receivers / receivers.length);
    const joined = await Promise.all(
      receivers.map((r, i) =>
        r.call<{ connected: number; firstError?: string }>("connect", {
          url: server.url,
          tokens: tokens(perProc, `r${i}_`),
          count: perProc,
          room: ROOM,
          listen: true,
        }),
      ),
    );
    const sent = await senders.call<{ connected: number; firstError?: string }>("connect", {
      url: server.url,
      tokens: tokens(opts.senders, "s"),
      count: opts.senders,
      room: ROOM,
    });
    rig.receiverCount = sum(joined.map((j) => j.connected));
    if (rig.receiverCount !== perProc * receivers.length || sent.connected !== opts.senders) {
      throw new Error(
        `${kind}: ${rig.receiverCount} receivers and ${sent.connected} senders connected (${joined[0].firstError ?? sent.firstError})`,
      );
    }
    // Warm up (JIT, SQLite pages) and forget what it measured.
    await senders.call("send", { room: ROOM, rate: opts["start-rate"], durationMs: 1000 });
    await waitForDeliveries(receivers, Infinity, 1500);
    await Promise.all(receivers.map((r) => r.call("collect")));
    return rig;
  } catch (err) {
    await teardown(rig);
    throw err;
  }
}

async function runStep(rig: Rig, rate: number): Promise<Step> {
  const { server, receivers, senders, receiverCount } = rig;
  const cpu0 = server.cpuMs();
  const t0 = nowMs();
  const s = await senders.call<{ acked: number; errors: number; ackLatency: HistogramData }>("send", {
    room: ROOM,
    rate,
    durationMs: opts["step-ms"],
  });
  const expected = s.acked * receiverCount;
  await waitForDeliveries(receivers, expected, opts["drain-ms"]);
  const parts = await Promise.all(
    receivers.map((r) => r.call<{ received: number; latency: HistogramData; lastArrival: number; cpuMs: number }>("collect")),
  );
  server.assertAlive();
  const cpu = server.cpuMs() - cpu0;
  const elapsed = nowMs() - t0;
  const latency = new Histogram();
  parts.forEach((p) => latency.merge(p.latency));
  const ack = new Histogram();
  ack.merge(s.ackLatency);
  const delivered = sum(parts.map((p) => p.received));
  const lastArrival = Math.max(...parts.map((p) => p.lastArrival));
  const step: Step = {
    rate,
    offered: rate * receiverCount,
    delivered,
    expected,
    deliveredPerSec: delivered / ((Math.max(lastArrival, t0 + opts["step-ms"]) - t0) / 1000),
    p50: latency.percentile(50),
    p99: latency.percentile(99),
    ackP50: ack.percentile(50),
    sendErrors: s.errors,
    cpuPerK: (cpu / Math.max(1, delivered)) * 1000,
    serverCpuPct: (cpu / elapsed) * 100,
    receiverCpuPct: Math.max(...parts.map((p) => (p.cpuMs / elapsed) * 100)),
    behind: false,
  };
  step.behind = delivered < expected * 0.99 || s.errors > 0 || step.p99 > opts["max-p99"];
  rig.steps.push(step);
  console.log(
    `  ${rig.kind.padEnd(6)} ${fmt(rate).padStart(5)} sends/s → ${fmt(step.deliveredPerSec).padStart(9)} delivered/s, p50 ${fmt(step.p50, 1)} ms, p99 ${fmt(step.p99, 1)} ms, cpu server ${fmt(step.serverCpuPct)}% receiver ${fmt(step.receiverCpuPct)}%${step.behind ? "  (behind)" : ""}`,
  );
  return step;
}

async function teardown(rig: Rig): Promise<void> {
  // The server goes first: clients do not reconnect, and the server side closing keeps client ports free.
  await rig.server.stop();
  await Promise.all([...rig.receivers, rig.senders].map((w) => w.stop()));
}

function resultOf(rig: Rig): KindResult {
  const kept = rig.steps.filter((s) => !s.behind);
  return {
    kind: rig.kind,
    steps: rig.steps,
    maxDelivered: Math.max(...rig.steps.map((s) => s.deliveredPerSec)),
    sustainedRate: kept.length ? Math.max(...kept.map((s) => s.offered)) : 0,
    profile: opts["cpu-prof"] ? summarizeProfile(rig.profDir) : undefined,
  };
}

async function main() {
  const startedAt = new Date().toISOString();
  const kinds: ServerKind[] = opts.only ? [opts.only as ServerKind] : ["bare", "parlor"];
  console.log(
    `fanout: 1 room, ${opts.receivers} receivers in ${opts["receiver-procs"]} processes, ${opts.senders} senders; ${opts["step-ms"]} ms steps from ${opts["start-rate"]} sends/s ×${opts.factor}`,
  );
  // Both servers are up together and take turns step by step (alternating who goes first), so a
  // neighbour's load on this shared machine falls on both alike. An idle rig costs next to nothing.
  const rigs: Rig[] = [];
  const results: KindResult[] = [];
  try {
    for (const kind of kinds) rigs.push(await setupRig(kind));
    let active = [...rigs];
    for (let i = 0, rate = opts["start-rate"]; i < opts["max-steps"] && active.length > 0; i++, rate = Math.round(rate * opts.factor)) {
      const order = i % 2 === 0 ? active : [...active].reverse();
      for (const rig of order) {
        const step = await runStep(rig, rate);
        // One second chance per server: on a shared machine a neighbour's burst can sink a single step.
        if (step.behind && !rig.retried) {
          rig.retried = true;
          rig.steps.pop();
          (await runStep(rig, rate)).retried = true;
        }
      }
      active = active.filter((rig) => !rig.steps[rig.steps.length - 1].behind);
    }
  } finally {
    for (const rig of rigs) await teardown(rig);
  }
  for (const rig of rigs) results.push(resultOf(rig));

  console.log("");
  printTable(
    ["server", "sends/s", "offered/s", "delivered/s", "p50 ms", "p99 ms", "ack p50 ms", "cpu µs/msg", "server cpu", "recv cpu", "kept up"],
    results.flatMap((r) =>
      r.steps.map((s) => [
        r.kind,
        fmt(s.rate),
        fmt(s.offered),
        fmt(s.deliveredPerSec),
        fmt(s.p50, 1),
        fmt(s.p99, 1),
        fmt(s.ackP50, 1),
        fmt(s.cpuPerK, 1),
        `${fmt(s.serverCpuPct)}%`,
        `${fmt(s.receiverCpuPct)}%`,
        s.behind ? "no" : s.retried ? "yes (2nd try)" : "yes",
      ]),
    ),
  );
  const by = (k: ServerKind) => results.find((r) => r.kind === k);
  const parlor = by("parlor");
  const bare = by("bare");
  const ratios: Ratio[] = [];
  if (parlor && bare) {
    ratios.push(ratio("fanout: max delivered msgs/s", parlor.maxDelivered, bare.maxDelivered, { atLeast: 0.9 }));
    ratios.push(ratio("fanout: highest rate kept up (deliveries/s)", parlor.sustainedRate, bare.sustainedRate));
    // Server CPU per delivery falls as the rate rises (writes coalesce), so compare at the rates both kept up with.
    const keptRates = (r: KindResult) => new Map(r.steps.filter((s) => !s.behind).map((s) => [s.rate, s.cpuPerK]));
    const [p, b] = [keptRates(parlor), keptRates(bare)];
    const common = [...p.keys()].filter((rate) => b.has(rate));
    if (common.length > 0) {
      const perCore = (m: Map<number, number>) => 1e6 / median(common.map((rate) => m.get(rate)!));
      ratios.push(ratio("fanout: deliveries per server CPU-second", perCore(p), perCore(b), { atLeast: 0.9 }));
    }
    console.log("");
    printRatios(ratios, "bare");
  }
  for (const r of results) if (r.profile) console.log(`\n${r.kind} CPU profile (self time):\n${r.profile}`);
  const file = writeResult({ name: "fanout", startedAt, params: opts, results, ratios });
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
