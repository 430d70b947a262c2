/**
 * Durable writes: how many acked (= committed) messages per second Parlor
 * takes with group commit, against the same server storing each message in
 * its own transaction, for each `synchronous` setting, in the same run on
 * this machine; then ack latency at a fixed 1,000 msgs/s. The server runs in
 * its own process; the clients run here, each in a room of its own, so the
 * number is the write path (validate, store, commit, ack), not fan-out.
 *
 *   npm run bench:durable [-- --seconds 6 --clients 32 --window 1 --rate 1000 --rate-seconds 5 --sync FULL,NORMAL]
 *
 * Goal: group commit ≥ 5× the one-transaction-per-message baseline's
 * throughput (synchronous=FULL), and ack p99 ≤ 10 ms at 1,000 msgs/s.
 * Results: bench/results/durable.json.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchArgs } from "./lib/args";
import { ratio, writeResult, type Ratio } from "./lib/results";
import { startServer } from "./lib/server";
import { nowMs } from "./lib/stats";
import { fmt, printTable } from "./lib/table";
import { mintTokens } from "./lib/tokens";
import { closedLoop, connectClients, fixedRate, type Client, type LoadResult } from "./durable-load";

const opts = benchArgs({
  /** Length of each closed-loop run (there are four, plus two fixed-rate runs). */
  seconds: 6,
  clients: 32,
  /** Sends each client keeps in flight. */
  window: 1,
  rate: 1000,
  "rate-seconds": 5,
  "warmup-ms": 500,
  sync: "FULL,NORMAL",
});
type Sync = "FULL" | "NORMAL";
const syncs = opts.sync.split(",").map((s) => s.trim().toUpperCase()).filter((s): s is Sync => s === "FULL" || s === "NORMAL");
/** The configuration Parlor ships with; the fixed-rate runs use it. */
const DEFAULT_SYNC: Sync = "FULL";

interface Row {
  run: "closed" | "fixed";
  mode: "group commit" | "one tx per message";
  sync: Sync;
  msgsPerSec: number;
  p50: number;
  p99: number;
  max: number;
  acked: number;
  errors: number;
  /** Rows in the database after the server was SIGKILLed: at least every acked message. */
  rowsAfterKill: number;
  serverCpuPct: number;
  generatorCpuPct: number;
}

async function run(kind: Row["run"], sync: Sync, group: boolean, load: (clients: Client[]) => Promise<LoadResult>): Promise<Row> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "parlor-bench-durable-"));
  const dbPath = path.join(dataDir, "parlor.db");
  const server = await startServer("parlor", {
    env: {
      PARLOR_DB: dbPath,
      PARLOR_SQLITE_SYNC: sync,
      PARLOR_GROUP_COMMIT: group ? "1" : "0",
      // The per-user limits would measure themselves, not storage.
      PARLOR_RATE_PER_SEC: "1000000000",
      PARLOR_RATE_BURST: "1000000000",
      DATABASE_URL: "",
      PARLOR_REDIS_URL: "",
    },
  });
  try {
    const clients = await connectClients(server.url, mintTokens(server.secret, opts.clients, `dur${sync}${group ? "g" : "s"}`));
    const cpu0 = server.cpuMs();
    const t0 = nowMs();
    const result = await load(clients);
    const serverCpuPct = ((server.cpuMs() - cpu0) / (nowMs() - t0)) * 100;
    for (const c of clients) c.socket.close();
    await server.stop(); // SIGKILL: what is in the file now is what a crash would leave
    const db = new Database(dbPath);
    const rowsAfterKill = (db.prepare("SELECT count(*) AS n FROM messages").get() as { n: number }).n;
    db.close();
    return {
      run: kind,
      mode: group ? "group commit" : "one tx per message",
      sync,
      msgsPerSec: result.acked / result.seconds,
      p50: result.latency.percentile(50),
      p99: result.latency.percentile(99),
      max: result.latency.max,
      acked: result.acked,
      errors: result.errors,
      rowsAfterKill,
      serverCpuPct,
      generatorCpuPct: result.generatorCpuPct,
    };
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function print(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  printTable(
    ["mode", "sync", "persisted msgs/s", "ack p50 ms", "ack p99 ms", "max ms", "acked", "errors", "rows after kill -9", "server CPU %", "client CPU %"],
    rows.map((r) => [r.mode, r.sync, fmt(r.msgsPerSec), fmt(r.p50, 2), fmt(r.p99, 2), fmt(r.max, 1), fmt(r.acked), fmt(r.errors), fmt(r.rowsAfterKill), fmt(r.serverCpuPct), fmt(r.generatorCpuPct)]),
  );
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  console.log(`durable: ${opts.clients} clients × ${opts.window} in flight, ${opts.seconds} s per run; fixed rate ${opts.rate}/s for ${opts["rate-seconds"]} s (${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)})`);

  const closed: Row[] = [];
  for (const sync of syncs) {
    for (const group of [true, false]) {
      closed.push(await run("closed", sync, group, (c) => closedLoop(c, opts.seconds, opts.window, opts["warmup-ms"])));
    }
  }
  print("Closed loop: every client sends again as soon as its ack is back", closed);

  const fixed: Row[] = [];
  for (const group of [true, false]) fixed.push(await run("fixed", DEFAULT_SYNC, group, (c) => fixedRate(c, opts.rate, opts["rate-seconds"])));
  print(`Fixed rate: ${fmt(opts.rate)} msgs/s (latency from when each message was due)`, fixed);

  const ratios: Ratio[] = [];
  const notes: string[] = [];
  for (const sync of syncs) {
    const g = closed.find((r) => r.sync === sync && r.mode === "group commit")!;
    const b = closed.find((r) => r.sync === sync && r.mode === "one tx per message")!;
    const goal = sync === DEFAULT_SYNC ? { atLeast: 5 } : undefined;
    ratios.push(ratio(`persisted msgs/s, group commit vs one tx per message (synchronous=${sync})`, g.msgsPerSec, b.msgsPerSec, goal));
    notes.push(`synchronous=${sync}: group commit ${fmt(g.msgsPerSec)} msgs/s vs ${fmt(b.msgsPerSec)} → ${(g.msgsPerSec / b.msgsPerSec).toFixed(1)}×`);
  }
  const atRate = fixed.find((r) => r.mode === "group commit")!;
  // An absolute goal, written as a ratio to the 10 ms budget so the runner's summary can show it.
  ratios.push({ metric: `ack p99 at ${opts.rate} msgs/s, ms (budget 10 ms)`, parlor: atRate.p99, baseline: 10, ratio: atRate.p99 / 10, goal: "≤ 1× (p99 ≤ 10 ms)", pass: atRate.p99 <= 10 });
  notes.push(`fixed ${opts.rate}/s, synchronous=${DEFAULT_SYNC}, group commit: p50 ${fmt(atRate.p50, 2)} ms, p99 ${fmt(atRate.p99, 2)} ms`);
  for (const r of [...closed, ...fixed]) if (r.rowsAfterKill < r.acked) notes.push(`LOST ACKED MESSAGES: ${r.mode} ${r.sync}: ${r.rowsAfterKill} rows < ${r.acked} acked`);

  console.log("");
  printTable(
    ["comparison", "parlor", "baseline", "ratio", "goal", "pass"],
    ratios.map((r) => [r.metric, fmt(r.parlor, 1), fmt(r.baseline, 1), `${r.ratio.toFixed(2)}×`, r.goal, r.pass === undefined ? "" : r.pass ? "yes" : "NO"]),
  );
  const file = writeResult({ name: "durable", startedAt, params: { ...opts, syncs }, results: { closed, fixed }, ratios, notes });
  console.log(`\n${notes.join("\n")}\nwrote ${path.relative(process.cwd(), file)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
