/**
 * A fixed-step loop that does not drift: each step has a deadline
 * `start + n × stepMs` and the next timer aims at the next deadline, so a late
 * timer shortens the following wait instead of shifting every later tick (a
 * bare setInterval accumulates its lateness).
 */
import type { Clock, TimerHandle } from "./clock";

/** Steps run back to back after a stall before the loop gives up catching up. */
const MAX_CATCH_UP_STEPS = 5;

export class FixedStepLoop {
  private timer: TimerHandle | undefined;
  private nextAt = 0;
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly stepMs: number,
    /** Called once per step with the step's deadline. */
    private readonly step: (at: number) => void,
  ) {}

  /** Starts stepping (the first step is one `stepMs` from now). Starting twice is a no-op. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.nextAt = this.clock.now() + this.stepMs;
    this.schedule();
  }

  /** Stops stepping and clears the pending timer. */
  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Whether a timer is pending (false after stop). */
  get active(): boolean {
    return this.timer !== undefined;
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => this.run(), Math.max(0, this.nextAt - this.clock.now()));
  }

  private run(): void {
    this.timer = undefined;
    const now = this.clock.now();
    let steps = 0;
    while (this.running && now >= this.nextAt && steps < MAX_CATCH_UP_STEPS) {
      this.step(this.nextAt);
      this.nextAt += this.stepMs;
      steps++;
    }
    // After a long stall (debugger, GC, overloaded host) skip the backlog
    // rather than fast-forwarding the game in a burst.
    if (now >= this.nextAt) this.nextAt = now + this.stepMs;
    if (this.running) this.schedule();
  }
}
