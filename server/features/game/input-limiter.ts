/**
 * The per-player cap on applied inputs: at most `limit` in any sliding
 * window of `windowMs`. A ring of the last `limit` accept times makes the
 * check O(1) with no allocation on the hot path.
 */
export class InputLimiter {
  private readonly times: Float64Array;
  private next = 0;
  private count = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs = 1000,
  ) {
    this.times = new Float64Array(Math.max(1, limit));
  }

  /** Records an input at `now` and says whether it is within the cap. */
  tryAccept(now: number): boolean {
    if (this.limit <= 0) return false;
    if (this.count === this.limit) {
      // The oldest of the last `limit` accepts sits where the next one goes.
      if (now - this.times[this.next] < this.windowMs) return false;
    } else {
      this.count++;
    }
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.limit;
    return true;
  }

  reset(): void {
    this.next = 0;
    this.count = 0;
  }
}
