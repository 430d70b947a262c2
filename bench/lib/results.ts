/**
 * Benchmark results: `bench/results/<name>.json` (gitignored). The runner
 * (bench/run.ts) reads `ratios` from every result file to print its summary,
 * so a benchmark that wants a line in the summary writes them here.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const RESULTS_DIR = path.resolve(__dirname, "..", "results");

/** One Parlor-vs-baseline comparison. `goal` is readable text, `pass` whether it is met. */
export interface Ratio {
  metric: string;
  parlor: number;
  baseline: number;
  /** parlor / baseline. */
  ratio: number;
  goal?: string;
  pass?: boolean;
}

export interface BenchResult {
  name: string;
  /** ISO time the run started. */
  startedAt: string;
  machine?: { cpus: number; cpuModel: string; node: string; loadavg: number[] };
  params?: Record<string, unknown>;
  results?: unknown;
  ratios: Ratio[];
  notes?: string[];
}

/** Ratio helper: `parlor / baseline`, pass when it meets `goal` (≥ or ≤ `target`). */
export function ratio(metric: string, parlor: number, baseline: number, goal?: { atLeast?: number; atMost?: number }): Ratio {
  const r = parlor / baseline;
  const pass = goal?.atLeast !== undefined ? r >= goal.atLeast : goal?.atMost !== undefined ? r <= goal.atMost : undefined;
  const text = goal?.atLeast !== undefined ? `≥ ${goal.atLeast}×` : goal?.atMost !== undefined ? `≤ ${goal.atMost}×` : undefined;
  return { metric, parlor, baseline, ratio: r, goal: text, pass };
}

export function machineInfo(): NonNullable<BenchResult["machine"]> {
  return { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown", node: process.version, loadavg: os.loadavg() };
}

/**
 * Writes `bench/results/<name>.json` and returns its path.
 *
 * @example
 * writeResult({ name: "fanout", startedAt, ratios: [ratio("delivered msgs/s", 9e4, 1e5, { atLeast: 0.9 })] });
 */
export function writeResult(result: BenchResult): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${result.name}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ machine: machineInfo(), ...result }, null, 2)}\n`);
  return file;
}

/** Reads a result file, or undefined when it is missing or not JSON. */
export function readResult(name: string): (Partial<BenchResult> & { mtimeMs: number }) | undefined {
  const file = path.join(RESULTS_DIR, `${name}.json`);
  try {
    return { ...(JSON.parse(fs.readFileSync(file, "utf8")) as Partial<BenchResult>), mtimeMs: fs.statSync(file).mtimeMs };
  } catch {
    return undefined;
  }
}
