/**
 * Synchronous token buckets for the budgets that must be checked before any
 * other work (`/system` events, `game:input`): a comparison and a subtraction,
 * no promise, no allocation per event. The per-user chat budget stays on
 * rate-limiter-flexible (rate-limit.ts) because it may be shared through Redis;
 * these are local on purpose: they guard this process's CPU.
 */
import type { Budget } from "../config";

/** One bucket: `tokens` left at time `at` (ms, performance.now()). */
export class Bucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly budget: Budget,
    now = performance.now(),
  ) {
    this.tokens = Math.max(1, budget.burst);
    this.at = now;
  }

  /** Takes one token: 0 when allowed, otherwise the ms until one is available. */
  take(now = performance.now()): number {
    const rate = Math.max(1, this.budget.perSecond) / 1000;
    const capacity = Math.max(1, this.budget.burst);
    this.tokens = Math.min(capacity, this.tokens + (now - this.at) * rate);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / rate));
  }

  /** Whether the bucket has refilled completely by `now` (an idle key that can be forgotten). */
  isFull(now = performance.now()): boolean {
    return this.tokens + (now - this.at) * (Math.max(1, this.budget.perSecond) / 1000) >= Math.max(1, this.budget.burst);
  }
}

/**
 * Buckets by key (a client address), forgetting idle ones so the map stays
 * as small as the set of keys active in the last `burst / perSecond` seconds.
 *
 * @example
 * const perAddress = new KeyedBuckets({ perSecond: 50, burst: 100 });
 * perAddress.take("203.0.113.7"); // 0, or the ms to wait
 */
export class KeyedBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private takesSincePurge = 0;

  constructor(private readonly budget: Budget) {}

  take(key: string, now = performance.now()): number {
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new Bucket(this.budget, now)));
    // Amortised: one pass over the map per 10,000 takes.
    if (++this.takesSincePurge >= 10_000) this.purge(now);
    return bucket.take(now);
  }

  get size(): number {
    return this.buckets.size;
  }

  private purge(now: number): void {
    this.takesSincePurge = 0;
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
  }
}
