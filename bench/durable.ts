/**
 * Durable writes: how many acked (= committed) messages per second Parlor
 * takes with group commit, against the same server storing each message in
 * its own transaction (PARLOR_GROUP_COMMIT=0), for synchronous FULL and
 * NORMAL; then ack latency at a fixed 1,000 msgs/s for both settings.
 *
 * Each configuration is its own server process; the clients run here, each
 * in a room of its own, so the number is the write path (validate, store,
 * commit, ack), not fan-out. On a shared machine load comes and goes, so the
 * servers run side by side and the load visits them in turn, one-second
 * slice by slice: every configuration sees the same conditions.
 *
 *   npm run bench:durable [-- --seconds 10 --clients 32 --window 1 --rate 1000 --rate-seconds 4 --search-slices 5 --cpu-prof]
 *
 * The fixed-rate run also reads each server's event-loop delay (perf_hooks,
 * preloaded by bench/lib/loop-delay-probe.mjs). Then the search line
 * (durable-search.ts): the same fixed rate on a server with 100,000 stored
 * messages, with and without a user searching at 20/s, alternating slices.
 *
 * `--cpu-prof` profiles the group-commit synchronous=FULL server and prints
 * where its CPU time goes (profile in bench/results/durable-prof/).
 *
 * Goal: group commit ≥ 5× the one-transaction-per-message throughput with
 * synchronous=FULL (the default), and ack p99 ≤ 10 ms at 1,000 msgs/s.
 * Results: bench/results/durable.json.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchArgs } from "./lib/args";
import { summarizeProfile } from "./lib/profile";
import { ratio, writeResult, type Ratio } from "./lib/results";
import { startServer, type ServerProcess } from "./lib/server";
import { Histogram } from "./lib/stats";
import { fmt, printTable } from "./lib/table";
import { mintTokens } from "./lib/tokens";
import { closedLoop, connectClients, fixedRate, mixedOp, type Client, type LoadResult } from "./durable-load";
import { searchLine } from "./durable-search";
import { loopDelayProbe, measureLoopDelay } from "./lib/loop-delay";

const opts = benchArgs({
  /** Closed-loop seconds per configuration (four configurations, in 1 s slices). */
  seconds: 10,
  clients: 32,
  /** Sends each client keeps in flight. */
  window: 1,
  rate: 1000,
  /** Fixed-rate seconds per synchronous setting. */
  "rate-seconds": 4,
  "cpu-prof": false,
  /** Slices with the searcher, and as many without (1 s each). */
  "search-slices": 5,
  "search-messages": 100_000,
  /** The allowed event rate per user (PARLOR_RATE_PER_SEC default). */
  "search-rate": 20,
});
type Sync = "FULL" | "NORMAL";
/** What Parlor ships with (PARLOR_SQLITE_SYNC default). */
const DEFAULT_SYNC: Sync = "FULL";
const SLICE_S = 1;
const PROF_DIR = path.resolve(__dirname, "results", "durable-prof");

interface Target {
  sync: Sync;
  group: boolean;
  server: ServerProcess;
  dataDir: string;
  clients: Client[];
  /** Where the server's loop-delay probe writes (bench/lib/loop-delay.ts). */
  delayFile: string;
}

/** One configuration's totals over its slices. */
class Totals {
  acked = 0;
  errors = 0;
  seconds = 0;
  serverCpuMs = 0;
  generatorCpu = 0;
  readonly latency = new Histogram();
  /** The server's event-loop delay p99 in each slice (ms). */
  readonly loopP99s: number[] = [];
  add(r: LoadResult, serverCpuMs: number): void {
    this.acked += r.acked;
    this.errors += r.errors;
    this.seconds += r.seconds;
    this.serverCpuMs += serverCpuMs;
    this.generatorCpu += (r.generatorCpuPct * r.seconds) / 100;
    this.latency.merge(r.latency.toJSON());
  }
  row(t: Target) {
    return {
      mode: t.group ? "group commit" : "one tx per message",
      sync: t.sync,
      msgsPerSec: this.acked / this.seconds,
      p50: this.latency.percentile(50),
      p99: this.latency.percentile(99),
      max: this.latency.max,
      acked: this.acked,
      errors: this.errors,
      /** Server CPU per message (µs): the server's cost, whatever share of the machine it got. */
      serverCpuUsPerMsg: (this.serverCpuMs * 1000) / Math.max(1, this.acked),
      serverCpuPct: (this.serverCpuMs / (this.seconds * 1000)) * 100,
      generatorCpuPct: (this.generatorCpu / this.seconds) * 100,
      /** The worst slice's event-loop delay p99 (ms). */
      loopDelayP99: Math.max(...this.loopP99s),
    };
  }
}
type Row = ReturnType<Totals["row"]>;

async function startTarget(sync: Sync, group: boolean): Promise<Target> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "parlor-bench-durable-"));
  // The profiled server stops with SIGTERM, so V8 can write the profile (Parlor commits what is pending on the way out).
  const profiled = opts["cpu-prof"] && group && sync === DEFAULT_SYNC;
  if (profiled) fs.rmSync(PROF_DIR, { recursive: true, force: true });
  const delayFile = path.join(dataDir, "loop-delay.json");
  const probe = loopDelayProbe(delayFile);
  const server = await startServer("parlor", {
    nodeArgs: [...(profiled ? ["--cpu-prof", "--cpu-prof-dir", PROF_DIR] : []), ...probe.nodeArgs],
    graceful: profiled,
    env: {
      ...probe.env,
      PARLOR_DB: path.join(dataDir, "parlor.db"),
      PARLOR_SQLITE_SYNC: sync,
      PARLOR_GROUP_COMMIT: group ? "1" : "0",
      // The per-user limits would measure themselves, not storage.
      PARLOR_RATE_PER_SEC: "1000000000",
      PARLOR_RATE_BURST: "1000000000",
      DATABASE_URL: "",
      PARLOR_REDIS_URL: "",
    },
  });
  const clients = await connectClients(server.url, mintTokens(server.secret, opts.clients, `d${sync}${group ? "g" : "s"}`));
  return { sync, group, server, dataDir, clients, delayFile };
}

/** Runs `load` on each target in turn, `slices` times; returns each target's totals. */
async function interleave(targets: Target[], slices: number, load: (clients: Client[]) => Promise<LoadResult>): Promise<Totals[]> {
  const totals = targets.map(() => new Totals());
  for (let s = 0; s < slices; s++) {
    for (const [i, t] of targets.entries()) {
      const cpu0 = t.server.cpuMs();
      const { result, delay } = await measureLoopDelay(t.server, t.delayFile, () => load(t.clients));
      totals[i].add(result, t.server.cpuMs() - cpu0);
      totals[i].loopP99s.push(delay.p99);
    }
  }
  return totals;
}

/**
 * What one commit costs on this disk, per synchronous setting (µs, median of
 * 200 one-row transactions): the baseline pays it per message, group commit
 * per batch, so it sets the ratio as much as Parlor's code does.
 */
function commitCostUs(sync: Sync): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parlor-bench-commit-"));
  const db = new Database(path.join(dir, "probe.db"));
  try {
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${sync}`);
    db.exec("CREATE TABLE t (x TEXT)");
    const insert = db.prepare("INSERT INTO t VALUES (?)");
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      insert.run(`row ${i}`);
      times.push((performance.now() - t0) * 1000);
    }
    return times.sort((a, b) => a - b)[100];
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** SIGKILLs the server and counts the rows it left: at least every acked message, or durability is broken. */
async function stopAndCount(t: Target): Promise<number> {
  for (const c of t.clients) c.socket.close();
  await t.server.stop();
  const db = new Database(path.join(t.dataDir, "parlor.db"), { readonly: true });
  const rows = (db.prepare("SELECT count(*) AS n FROM messages").get() as { n: number }).n;
  db.close();
  fs.rmSync(t.dataDir, { recursive: true, force: true });
  return rows;
}

function print(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  printTable(
    [
      "mode",
      "sync",
      "persisted msgs/s",
      "ack p50 ms",
      "ack p99 ms",
      "max ms",
      "acked",
      "errors",
      "server CPU µs/msg",
      "server CPU %",
      "client CPU %",
      "loop delay p99 ms",
    ],
    rows.map((r) => [
      r.mode,
      r.sync,
      fmt(r.msgsPerSec),
      fmt(r.p50, 2),
      fmt(r.p99, 2),
      fmt(r.max, 1),
      fmt(r.acked),
      fmt(r.errors),
      fmt(r.serverCpuUsPerMsg),
      fmt(r.serverCpuPct),
      fmt(r.generatorCpuPct),
      fmt(r.loopDelayP99, 2),
    ]),
  );
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  console.log(
    `durable: ${opts.clients} clients × ${opts.window} in flight; ${opts.seconds} s closed loop per configuration, ${opts["rate-seconds"]} s at ${opts.rate}/s per sync setting, interleaved in ${SLICE_S} s slices (${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)})`,
  );
  const commitUs = { FULL: commitCostUs("FULL"), NORMAL: commitCostUs("NORMAL") };
  console.log(`one-row commit on this disk (median): synchronous=FULL ${fmt(commitUs.FULL)} µs, NORMAL ${fmt(commitUs.NORMAL)} µs`);
  const configs: [Sync, boolean][] = [
    ["FULL", true],
    ["FULL", false],
    ["NORMAL", true],
    ["NORMAL", false],
  ];
  const targets = await Promise.all(configs.map(([sync, group]) => startTarget(sync, group)));
  try {
    // Warm-up (JIT, first pages of the file), not counted.
    for (const t of targets) await closedLoop(t.clients, 0.5, opts.window, 0);
    const closed = await interleave(targets, opts.seconds, (c) => closedLoop(c, SLICE_S, opts.window, 0));
    const closedRows = targets.map((t, i) => closed[i].row(t));
    print("Closed loop: every client sends again as soon as its ack is back", closedRows);

    const grouped = targets.filter((t) => t.group);
    const fixed = await interleave(grouped, opts["rate-seconds"], (c) => fixedRate(c, opts.rate, SLICE_S));
    const fixedRows = grouped.map((t, i) => fixed[i].row(t));
    print(`Fixed rate: ${fmt(opts.rate)} msgs/s with group commit (latency from when each message was due)`, fixedRows);

    // Issue 15's mixed load on the default configuration: sends, edits, reactions and read cursors at the same rate.
    const defaultGroup = grouped.filter((t) => t.sync === DEFAULT_SYNC);
    const mixed = await interleave(defaultGroup, opts["rate-seconds"], (c) => fixedRate(c, opts.rate, SLICE_S, mixedOp));
    const mixedRows = defaultGroup.map((t, i) => mixed[i].row(t));
    print(`Mixed load: ${fmt(opts.rate)} ops/s (5 sends, 2 edits, 2 reactions, 1 read per 10), group commit`, mixedRows);

    const ratios: Ratio[] = [];
    const notes: string[] = [];
    for (const sync of ["FULL", "NORMAL"] as const) {
      const g = closedRows.find((r) => r.sync === sync && r.mode === "group commit")!;
      const b = closedRows.find((r) => r.sync === sync && r.mode !== "group commit")!;
      ratios.push(
        ratio(
          `persisted msgs/s, group commit vs one tx per message (synchronous=${sync})`,
          g.msgsPerSec,
          b.msgsPerSec,
          sync === DEFAULT_SYNC ? { atLeast: 5 } : undefined,
        ),
      );
      notes.push(
        `synchronous=${sync}: group commit ${fmt(g.msgsPerSec)} msgs/s vs ${fmt(b.msgsPerSec)} → ${(g.msgsPerSec / b.msgsPerSec).toFixed(1)}×`,
      );
    }
    for (const r of fixedRows) {
      // An absolute goal, written as a ratio to the 10 ms budget so the runner's summary shows it.
      const goal = r.sync === DEFAULT_SYNC ? { goal: "≤ 1× (p99 ≤ 10 ms)", pass: r.p99 <= 10 } : {};
      ratios.push({
        metric: `ack p99 at ${opts.rate} msgs/s, ms, synchronous=${r.sync} (budget 10 ms)`,
        parlor: r.p99,
        baseline: 10,
        ratio: r.p99 / 10,
        ...goal,
      });
      notes.push(
        `fixed ${opts.rate}/s, synchronous=${r.sync}: p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms, event-loop delay p99 ${fmt(r.loopDelayP99, 2)} ms (worst slice)`,
      );
      if (r.sync === DEFAULT_SYNC) {
        ratios.push({
          metric: `event-loop delay p99 at ${opts.rate} msgs/s, ms, synchronous=${r.sync} (budget 5 ms)`,
          parlor: r.loopDelayP99,
          baseline: 5,
          ratio: r.loopDelayP99 / 5,
          goal: "≤ 1× (p99 ≤ 5 ms)",
          pass: r.loopDelayP99 <= 5,
        });
      }
    }
    for (const r of mixedRows) {
      const sendsOnly = fixedRows.find((f) => f.sync === r.sync)!;
      ratios.push(ratio(`ack p99 at ${opts.rate} ops/s, mixed load vs sends only, ms (synchronous=${r.sync})`, r.p99, sendsOnly.p99));
      notes.push(
        `mixed ${opts.rate}/s, synchronous=${r.sync}: p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms, ${fmt(r.serverCpuUsPerMsg)} µs server CPU per op`,
      );
    }
    const search = await searchLine({
      rate: opts.rate,
      slices: opts["search-slices"],
      messages: opts["search-messages"],
      searchRate: opts["search-rate"],
      clients: opts.clients,
    });
    const withP99 = search.withSearcher.latency.percentile(99);
    const withoutP99 = search.without.latency.percentile(99);
    console.log(
      `\nSearch interference: ${fmt(opts.rate)} msgs/s chat on ${fmt(opts["search-messages"])} stored messages, slices with one user searching at ${opts["search-rate"]}/s and without${search.seedSeconds > 1 ? ` (seeded in ${fmt(search.seedSeconds, 1)} s, cached)` : ""}`,
    );
    printTable(
      ["slices", "chat acked", "errors", "ack p50 ms", "ack p99 ms", "max ms", "loop delay p99 ms (worst)"],
      [
        [
          "with searcher",
          fmt(search.withSearcher.acked),
          fmt(search.withSearcher.errors),
          fmt(search.withSearcher.latency.percentile(50), 2),
          fmt(withP99, 2),
          fmt(search.withSearcher.latency.max, 1),
          fmt(Math.max(...search.loopDelay.withSearcher.map((d) => d.p99)), 2),
        ],
        [
          "without",
          fmt(search.without.acked),
          fmt(search.without.errors),
          fmt(search.without.latency.percentile(50), 2),
          fmt(withoutP99, 2),
          fmt(search.without.latency.max, 1),
          fmt(Math.max(...search.loopDelay.without.map((d) => d.p99)), 2),
        ],
      ],
    );
    const s = search.searches;
    notes.push(
      `searcher: ${fmt(s.answered)} answered (p50 ${fmt(s.p50, 1)} ms, p99 ${fmt(s.p99, 1)} ms), ${fmt(s.refused)} refused (RATE_LIMITED: in flight or over budget), ${fmt(s.errors)} other errors ${JSON.stringify(s.codes)}`,
    );
    ratios.push(
      ratio(
        `chat ack p99 at ${opts.rate} msgs/s with a user searching ${fmt(opts["search-messages"])} messages at ${opts["search-rate"]}/s vs without`,
        withP99,
        withoutP99,
        { atMost: 2 },
      ),
    );
    const ackedBy = new Map(targets.map((t, i) => [t, closed[i].acked + (grouped.includes(t) ? fixed[grouped.indexOf(t)].acked : 0)]));
    for (const t of targets) {
      const rows = await stopAndCount(t);
      const acked = ackedBy.get(t)!;
      notes.push(
        `${t.group ? "group" : "single"} ${t.sync}: ${fmt(rows)} rows after kill -9 for ${fmt(acked)} acked${rows < acked ? " — ACKED MESSAGES LOST" : ""}`,
      );
    }

    console.log("");
    printTable(
      ["comparison", "parlor", "baseline", "ratio", "goal", "pass"],
      ratios.map((r) => [
        r.metric,
        fmt(r.parlor, 1),
        fmt(r.baseline, 1),
        `${r.ratio.toFixed(2)}×`,
        r.goal,
        r.pass === undefined ? "" : r.pass ? "yes" : "NO",
      ]),
    );
    const file = writeResult({
      name: "durable",
      startedAt,
      params: { ...opts, sliceSeconds: SLICE_S },
      results: {
        commitUs,
        closed: closedRows,
        fixed: fixedRows,
        mixed: mixedRows,
        search: {
          ...search,
          withSearcher: { ...search.withSearcher, latency: search.withSearcher.latency.toJSON() },
          without: { ...search.without, latency: search.without.latency.toJSON() },
        },
      },
      ratios,
      notes,
    });
    console.log(`\n${notes.join("\n")}\nwrote ${path.relative(process.cwd(), file)}`);
    if (opts["cpu-prof"]) console.log(`\nCPU profile, group commit synchronous=${DEFAULT_SYNC}:\n${summarizeProfile(PROF_DIR, 25)}`);
  } finally {
    await Promise.all(targets.map((t) => t.server.stop()));
    for (const t of targets) fs.rmSync(t.dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
