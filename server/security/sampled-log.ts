/**
 * Sampled logging for refusals: at most one line per key (user or address,
 * event, code) per window, with a count. The first occurrence is logged at
 * once (the operator sees it start); the rest of the window is only counted
 * and reported in one line when the window ends — even if the flood stops
 * there. One user used to produce one log line per refused event (900 KB/s
 * of log), yet every kind of refusal must still show up.
 */
import type { Logger } from "../logger";

/** Most keys remembered in one window; past it, refusals are counted under one overflow line. */
const MAX_KEYS = 10_000;

export type SampledLevel = "info" | "warn" | "error";

export interface SampledLog {
  /** Logs `message` now if `key` was quiet this window; otherwise counts it for the window's summary line. */
  note(key: string, log: Logger, level: SampledLevel, message: string, fields?: Record<string, unknown>): void;
  /** Writes the pending counts now and stops the timer (shutdown, tests). */
  flush(): void;
}

interface Entry {
  log: Logger;
  level: SampledLevel;
  message: string;
  fields: Record<string, unknown>;
  /** Occurrences since the last line. */
  count: number;
}

/**
 * @example
 * const sampled = createSampledLog(10_000);
 * sampled.note(`${user}\0message:send\0RATE_LIMITED`, log, "info", "event rejected", { user, event, code });
 * // first: { user, event, code, count: 1, sampledPerMs: 10000 }; 10 s later, if more came: { ..., count: 5123 }
 */
export function createSampledLog(windowMs: number): SampledLog {
  const entries = new Map<string, Entry>();
  let overflow: { log: Logger; count: number } | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  const report = () => {
    for (const [key, e] of entries) {
      // A key quiet for a whole window is forgotten: its next occurrence is news again.
      if (e.count === 0) entries.delete(key);
      else {
        e.log[e.level]({ ...e.fields, count: e.count, sampledPerMs: windowMs }, e.message);
        e.count = 0;
      }
    }
    if (overflow) {
      overflow.log.warn({ count: overflow.count, sampledPerMs: windowMs }, "refusals from too many clients to log one by one");
      overflow = undefined;
    }
    if (entries.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  return {
    note(key, log, level, message, fields = {}) {
      const entry = entries.get(key);
      if (entry) {
        entry.count++;
        return;
      }
      if (entries.size >= MAX_KEYS) {
        overflow ??= { log, count: 0 };
        overflow.count++;
        return;
      }
      log[level]({ ...fields, count: 1, sampledPerMs: windowMs }, message);
      entries.set(key, { log, level, message, fields, count: 0 });
      // One timer for every key, only while some key is being sampled; it never keeps the process up.
      timer ??= setInterval(report, windowMs).unref();
    },
    flush() {
      report();
      entries.clear();
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
