/**
 * The benchmark runner: `npm run bench` runs every `bench/<name>.ts` of the
 * suite that exists, in order, each in its own process with its default
 * (short) duration and a time limit, then prints a summary of the
 * Parlor-vs-baseline ratios each one wrote to bench/results/<name>.json.
 *
 *   npm run bench                      # all
 *   npm run bench -- fanout durable    # some
 *   npm run bench -- --timeout-s 120   # per-benchmark limit (default 100 s; game and cluster get 300 s,
 *                                      # their two runs start fresh servers and hundreds of clients)
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { readResult, type Ratio } from "./lib/results";
import { fmt, printTable } from "./lib/table";

/** The suite, in the order it runs. A missing file is skipped (colleagues' benchmarks land over time). */
export const SUITE = ["fanout", "connections", "durable", "game", "cluster", "abuse"] as const;

/** Benchmarks that need longer than the default limit, in seconds (a --timeout-s above it wins). */
const LONGER: Partial<Record<(typeof SUITE)[number], number>> = { game: 300, cluster: 300 };

interface Outcome {
  name: string;
  status: "ok" | "failed" | "timed out" | "missing";
  seconds: number;
  ratios: Ratio[];
}

const ROOT = path.resolve(__dirname, "..");

function runOne(name: string, timeoutS: number): Promise<Omit<Outcome, "ratios">> {
  const started = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, `${name}.ts`)], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    // SIGTERM first, so the benchmark can stop its servers and workers; then for sure.
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5000).unref();
  }, timeoutS * 1000);
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      clearTimeout(timer);
      const seconds = (Date.now() - started) / 1000;
      resolve({ name, seconds, status: timedOut ? "timed out" : code === 0 ? "ok" : "failed" });
    }),
  );
}

async function main() {
  const { values, positionals } = parseArgs({ options: { "timeout-s": { type: "string", default: "100" } }, allowPositionals: true });
  const timeoutS = Number(values["timeout-s"]);
  const unknown = positionals.filter((p) => !(SUITE as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(", ")}; the suite is ${SUITE.join(", ")}`);
  const names = positionals.length ? SUITE.filter((n) => positionals.includes(n)) : [...SUITE];

  const outcomes: Outcome[] = [];
  const started = Date.now();
  for (const name of names) {
    if (!fs.existsSync(path.join(__dirname, `${name}.ts`))) {
      outcomes.push({ name, status: "missing", seconds: 0, ratios: [] });
      continue;
    }
    console.log(`\n=== ${name} ${"=".repeat(Math.max(0, 60 - name.length))}`);
    const runStarted = Date.now();
    const outcome = await runOne(name, Math.max(timeoutS, LONGER[name] ?? 0));
    const result = readResult(name);
    // Only a result written by this run counts; an old file would report stale ratios.
    const ratios = result && result.mtimeMs >= runStarted && Array.isArray(result.ratios) ? result.ratios : [];
    outcomes.push({ ...outcome, ratios });
  }

  console.log(`\n=== summary (${fmt((Date.now() - started) / 1000)} s) ${"=".repeat(40)}`);
  printTable(
    ["benchmark", "status", "s"],
    outcomes.map((o) => [o.name, o.status === "missing" ? "not in this checkout" : o.status, o.status === "missing" ? "" : fmt(o.seconds)]),
  );
  const rows = outcomes.flatMap((o) =>
    o.ratios.map((r) => [
      o.name,
      r.metric,
      fmt(r.parlor, 1),
      fmt(r.baseline, 1),
      `${fmt(r.ratio, 2)}×`,
      r.goal ?? "",
      r.pass === undefined ? "" : r.pass ? "✓" : "✗",
    ]),
  );
  if (rows.length) {
    console.log("");
    printTable(["benchmark", "metric", "parlor", "baseline", "ratio", "goal", "met"], rows);
  }
  console.log("\nParlor and each baseline ran in the same run on this machine; compare ratios, not absolute numbers.");
  process.exitCode = outcomes.some((o) => o.status === "failed" || o.status === "timed out") ? 1 : 0;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(2);
});
