/**
 * Refusal lines, sampled: at most one line per key per window, carrying how
 * many more of the same were seen in the previous window. A flood of
 * refusals must not become a flood of log lines (one user produced 900 KB/s
 * of log before), yet every kind of refusal still shows up.
 */
import type { Logger } from "../logger";

/** Most keys remembered at once; past it, expired entries are dropped (and if none are, the oldest). */
const MAX_KEYS = 10_000;

export type SampledLevel = "info" | "warn" | "error";

export interface SampledLog {
  /** Logs `message` unless `key` was logged within the window; then only counts it. */
  note(key: string, log: Logger, level: SampledLevel, message: string, fields?: Record<string, unknown>): void;
}

/**
 * @example
 * const sampled = createSampledLog(10_000);
 * sampled.note(`${user}\0message:send`, log, "info", "event rejected", { code: "RATE_LIMITED" });
 */
export function createSampledLog(windowMs: number): SampledLog {
  const windows = new Map<string, { until: number; folded: number }>();
  return {
    note(key, log, level, message, fields = {}) {
      const now = Date.now();
      const seen = windows.get(key);
      if (seen && now < seen.until) {
        seen.folded++;
        return;
      }
      if (!seen && windows.size >= MAX_KEYS) {
        for (const [k, w] of windows) if (w.until <= now) windows.delete(k);
        if (windows.size >= MAX_KEYS) windows.delete(windows.keys().next().value!);
      }
      windows.set(key, { until: now + windowMs, folded: 0 });
      // `repeats`: how many more of these the previous window saw and did not log.
      log[level]({ ...fields, ...(seen?.folded ? { repeats: seen.folded } : {}), sampledPerMs: windowMs }, message);
    },
  };
}
