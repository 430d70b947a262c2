/**
 * Per-room sequence tracking: which messages a client has seen, so that a
 * message that arrives twice (via `message:new` and again via a rejoin with
 * `sinceSeq`, or via `message:new` and the `room:join` ack) is delivered once,
 * and so that a rejoin asks only for what was missed.
 */
import type { Message } from "../../server/protocol";

/** How far ahead of the watermark seen seqs are remembered before a forced catch-up. */
const MAX_PENDING = 2000;

export class RoomTracker {
  /** Every seq <= watermark has been seen (or predates the first join). */
  private watermark = 0;
  /** Seqs above the watermark seen out of order. */
  private readonly ahead = new Set<number>();
  private started = false;

  /** The `sinceSeq` to rejoin with, or undefined before the first join. */
  get sinceSeq(): number | undefined {
    return this.started ? this.watermark : undefined;
  }

  /** True while a seq is missing below the highest seen one. */
  get hasGap(): boolean {
    return this.ahead.size > 0;
  }

  /**
   * Starts tracking from a first join's messages: older history is not "missed".
   * An empty room starts at 0, so that every later message counts.
   */
  start(messages: readonly Message[]): void {
    if (!this.started) {
      this.started = true;
      this.watermark = messages.length > 0 ? Math.min(...messages.map((m) => m.seq)) - 1 : 0;
    }
  }

  /** Records `message`; true the first time its seq is seen, false for a duplicate. */
  accept(message: Message): boolean {
    const { seq } = message;
    // Before the first join there is no baseline; the join's own messages set it.
    if (!this.started) return true;
    if (seq <= this.watermark || this.ahead.has(seq)) return false;
    this.ahead.add(seq);
    while (this.ahead.delete(this.watermark + 1)) this.watermark++;
    // A seq that never comes would grow `ahead` forever; give up on it.
    if (this.ahead.size > MAX_PENDING) this.skipGap();
    return true;
  }

  /** Forgets a gap that cannot be filled (e.g. a catch-up that returned nothing for it). */
  skipGap(): void {
    if (this.ahead.size === 0) return;
    this.watermark = Math.max(this.watermark, Math.min(...this.ahead) - 1);
    while (this.ahead.delete(this.watermark + 1)) this.watermark++;
  }
}
