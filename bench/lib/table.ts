/** Plain-text tables for benchmark output. */
import type { Ratio } from "./results";

export type Cell = string | number | undefined;

/** Formats a number for a table: thousands separated, `digits` decimals, "–" for missing. */
export function fmt(value: number | undefined, digits = 0): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * Prints rows under headers, numbers right-aligned.
 *
 * @example
 * printTable(["server", "msgs/s"], [["bare", fmt(120000)], ["parlor", fmt(110000)]]);
 */
export function printTable(headers: string[], rows: Cell[][], out: (line: string) => void = console.log): void {
  const text = rows.map((r) => r.map((c) => (c === undefined ? "–" : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? "").length)));
  const numeric = headers.map((_, i) => text.every((r) => /^[-–+0-9.,×%x ]*$/.test(r[i] ?? "")));
  const line = (cells: string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
  out(line(headers));
  out(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of text) out(line(r));
}

/**
 * Prints a benchmark's comparisons: metric, Parlor, the same-run baseline (named `baseline`), the ratio and the goal.
 *
 * @example
 * printRatios(ratios, "bare");
 */
export function printRatios(ratios: Ratio[], baseline: string): void {
  printTable(
    ["metric", "parlor", baseline, "ratio", "goal"],
    ratios.map((r) => [
      r.metric,
      fmt(r.parlor, 1),
      fmt(r.baseline, 1),
      `${fmt(r.ratio, 2)}×`,
      r.goal ? `${r.goal} ${r.pass ? "✓" : "✗"}` : "",
    ]),
  );
}
