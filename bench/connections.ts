/**
 * Connections: open many idle `/chat` sockets in steps and measure the
 * server's resident memory per socket and the handshake rate, Parlor (token
 * auth, user room, per-socket handler context) against a bare Socket.IO
 * server, in the same run. Sockets come from several worker processes (file
 * descriptor limits, and so the clients do not share the server's CPU).
 *
 *   npm run bench:connections [-- --sockets 10000 --procs 4]
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { benchArgs } from "./lib/args";
import { summarizeProfile } from "./lib/profile";
import { ratio, writeResult } from "./lib/results";
import { startServer, type ServerKind, type ServerProcess } from "./lib/server";
import { nowMs } from "./lib/stats";
import { fmt, printRatios, printTable } from "./lib/table";
import { mintTokens } from "./lib/tokens";
import { startWorker, type Worker } from "./lib/worker";

const opts = benchArgs({
  sockets: 10_000,
  procs: 4,
  steps: 5,
  concurrency: 100,
  "settle-ms": 1500,
  /** No new step starts after this many seconds (a loaded machine handshakes slowly); the result says how far it got. */
  "budget-s": 45,
  only: "",
  "cpu-prof": false,
});
const MB = 1024 * 1024;
const profDir = (kind: ServerKind) => path.resolve(__dirname, "results", `connections-${kind}-prof`);

interface StepResult {
  sockets: number;
  rssMB: number;
  handshakesPerSec: number;
  /** Server CPU per handshake: its cost, whatever the load generators and neighbours do. */
  cpuUsPerHandshake: number;
  serverCpuPct: number;
  failed: number;
}

interface Rig {
  kind: ServerKind;
  server: ServerProcess;
  workers: Worker[];
  baseRss: number;
  steps: StepResult[];
  open: number;
}

/** The soft limit on open files for processes started from here. */
function fdLimit(): number {
  try {
    return Number(execFileSync("sh", ["-c", "ulimit -n"]).toString().trim()) || 1024;
  } catch {
    return 1024;
  }
}

/** RSS after GC has had a moment: the lowest of a few samples. */
async function settledRss(server: ServerProcess): Promise<number> {
  await new Promise((r) => setTimeout(r, opts["settle-ms"]));
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(server.rssBytes());
    await new Promise((r) => setTimeout(r, 100));
  }
  return Math.min(...samples);
}

async function setupRig(kind: ServerKind): Promise<Rig> {
  const server = await startServer(kind, {
    // Every socket comes from this machine: the per-address connection cap (200) guards against abuse, not load.
    env: { PARLOR_MAX_CONNECTIONS_PER_ADDRESS: "1000000" },
    nodeArgs: opts["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", profDir(kind)] : [],
    graceful: opts["cpu-prof"],
  });
  const workers = Array.from({ length: opts.procs }, () => startWorker("chat-clients"));
  // A few sockets first so one-time costs (JIT, first handshake paths) are not counted per socket.
  await workers[0].call("connect", {
    url: server.url,
    tokens: kind === "parlor" ? mintTokens(server.secret, 20, "warm") : undefined,
    count: 20,
  });
  return { kind, server, workers, baseRss: await settledRss(server), steps: [], open: 20 };
}

async function step(rig: Rig, target: number): Promise<StepResult> {
  const add = target - rig.open;
  const perWorker = Math.ceil(add / rig.workers.length);
  const cpu0 = rig.server.cpuMs();
  const started = nowMs();
  const results = await Promise.all(
    rig.workers.map((w, i) =>
      w.call<{ connected: number; failed: number; firstError?: string }>("connect", {
        url: rig.server.url,
        tokens: rig.kind === "parlor" ? mintTokens(rig.server.secret, perWorker, `c${target}_${i}_`) : undefined,
        count: perWorker,
        concurrency: opts.concurrency,
      }),
    ),
  );
  const ms = nowMs() - started;
  rig.server.assertAlive();
  const cpuMs = rig.server.cpuMs() - cpu0;
  const failed = results.reduce((a, r) => a + r.failed, 0);
  if (failed > 0) console.log(`  ${rig.kind}: ${failed} handshakes failed (${results.find((r) => r.firstError)?.firstError})`);
  rig.open += perWorker * rig.workers.length - failed;
  const rssMB = (await settledRss(rig.server)) / MB;
  const opened = perWorker * rig.workers.length - failed;
  const res = {
    sockets: rig.open,
    rssMB,
    handshakesPerSec: (opened / ms) * 1000,
    cpuUsPerHandshake: (cpuMs * 1000) / Math.max(1, opened),
    serverCpuPct: (cpuMs / ms) * 100,
    failed,
  };
  console.log(
    `  ${rig.kind.padEnd(6)} ${fmt(res.sockets).padStart(6)} sockets: rss ${fmt(rssMB, 1)} MB, ${fmt(res.handshakesPerSec)} handshakes/s, server ${fmt(res.cpuUsPerHandshake)} µs CPU each (${fmt(res.serverCpuPct)}% busy)`,
  );
  rig.steps.push(res);
  return res;
}

async function teardown(rig: Rig) {
  // Server first: it closes the connections, so the client side keeps no ports in TIME_WAIT.
  await rig.server.stop();
  await Promise.all(rig.workers.map((w) => w.stop()));
}

async function main() {
  const startedAt = new Date().toISOString();
  const limit = fdLimit();
  // Each server holds one fd per socket (plus ~100 of its own); each worker its share.
  const sockets = Math.min(opts.sockets, limit - 200);
  const notes = sockets < opts.sockets ? [`ulimit -n is ${limit}: opened ${sockets} sockets instead of ${opts.sockets}`] : [];
  notes.forEach((n) => console.log(`note: ${n}`));
  console.log(`connections: ${fmt(sockets)} idle /chat sockets per server from ${opts.procs} processes, in ${opts.steps} steps`);

  const kinds: ServerKind[] = opts.only ? [opts.only as ServerKind] : ["bare", "parlor"];
  const rigs: Rig[] = [];
  try {
    for (const kind of kinds) rigs.push(await setupRig(kind));
    // Both servers grow step by step in turns, so neighbours' load on this shared machine hits both alike.
    const started = nowMs();
    for (let i = 1; i <= opts.steps; i++) {
      if (i > 1 && nowMs() - started > opts["budget-s"] * 1000) {
        notes.push(`time budget of ${opts["budget-s"]} s reached after ${i - 1} of ${opts.steps} steps`);
        console.log(`note: ${notes[notes.length - 1]}`);
        break;
      }
      const order = i % 2 ? rigs : [...rigs].reverse();
      for (const rig of order) await step(rig, Math.round((sockets * i) / opts.steps));
    }
  } finally {
    for (const rig of rigs) await teardown(rig);
  }

  const summary = rigs.map((rig) => {
    const last = rig.steps[rig.steps.length - 1];
    const perSocketKB = (last.rssMB * MB - rig.baseRss) / (last.sockets - 20) / 1024;
    const handshakes = rig.steps.reduce((a, s) => a + s.handshakesPerSec, 0) / rig.steps.length;
    return {
      kind: rig.kind,
      sockets: last.sockets,
      baseMB: rig.baseRss / MB,
      finalMB: last.rssMB,
      perSocketKB,
      handshakes,
      steps: rig.steps,
    };
  });
  console.log("");
  printTable(
    ["server", "sockets", "rss before MB", "rss after MB", "KB/socket", "handshakes/s"],
    summary.map((s) => [s.kind, fmt(s.sockets), fmt(s.baseMB, 1), fmt(s.finalMB, 1), fmt(s.perSocketKB, 1), fmt(s.handshakes)]),
  );
  const parlor = summary.find((s) => s.kind === "parlor");
  const bare = summary.find((s) => s.kind === "bare");
  const ratios = [];
  if (parlor && bare) {
    ratios.push(ratio("connections: memory per socket", parlor.perSocketKB, bare.perSocketKB, { atMost: 1.2 }));
    ratios.push(ratio("connections: handshakes/s", parlor.handshakes, bare.handshakes));
    console.log("");
    printRatios(ratios, "bare");
  }
  if (opts["cpu-prof"])
    for (const rig of rigs) console.log(`\n${rig.kind} CPU profile (self time):\n${summarizeProfile(profDir(rig.kind))}`);
  const file = writeResult({ name: "connections", startedAt, params: { ...opts, sockets }, results: summary, ratios, notes });
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
