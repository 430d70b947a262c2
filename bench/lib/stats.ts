/**
 * Latency statistics that merge across processes: a log-bucket histogram
 * (about 1% relative error) instead of raw samples, so a load worker can
 * send a few hundred numbers over IPC however many messages it saw.
 */

/** Buckets per factor e (≈1% wide). */
const RESOLUTION = 100;
/** Values are kept in microseconds-ish units: ms × 1000, offset so 0 maps to bucket 0. */
const toBucket = (ms: number) => Math.max(0, Math.round(Math.log1p(Math.max(0, ms) * 1000) * RESOLUTION));
const fromBucket = (b: number) => Math.expm1(b / RESOLUTION) / 1000;

export interface HistogramData {
  counts: Record<number, number>;
  total: number;
  max: number;
}

export class Histogram {
  private counts = new Map<number, number>();
  total = 0;
  max = 0;

  /** Records one value in milliseconds. */
  add(ms: number): void {
    const b = toBucket(ms);
    this.counts.set(b, (this.counts.get(b) ?? 0) + 1);
    this.total++;
    if (ms > this.max) this.max = ms;
  }

  merge(other: HistogramData): void {
    for (const [b, n] of Object.entries(other.counts)) this.counts.set(Number(b), (this.counts.get(Number(b)) ?? 0) + n);
    this.total += other.total;
    this.max = Math.max(this.max, other.max);
  }

  /** The value (ms) below which `p` (0–100) percent of the values fall; NaN when empty. */
  percentile(p: number): number {
    if (this.total === 0) return NaN;
    const rank = Math.ceil((p / 100) * this.total);
    let seen = 0;
    for (const b of [...this.counts.keys()].sort((x, y) => x - y)) {
      seen += this.counts.get(b)!;
      if (seen >= rank) return Math.min(fromBucket(b), this.max);
    }
    return this.max;
  }

  toJSON(): HistogramData {
    return { counts: Object.fromEntries(this.counts), total: this.total, max: this.max };
  }

  reset(): void {
    this.counts.clear();
    this.total = 0;
    this.max = 0;
  }
}

/** The median of a list (NaN when empty). */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** A wall clock with sub-millisecond resolution that agrees across processes on one machine. */
export const nowMs = () => performance.timeOrigin + performance.now();
