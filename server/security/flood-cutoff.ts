/**
 * The flood cut-off: counts refusals per key — a user, or a client address on
 * `/system` — across all of that key's sockets, and disconnects the sockets
 * that keep sending once the key has been refused `threshold` times within
 * `windowMs`. Counting per socket let a flood spread over 200 sockets of one
 * user go on for ever. A socket of the key that stays quiet (another tab that
 * is not sending) is left alone.
 */
import type { Socket } from "socket.io";
import type { Logger } from "../logger";
import type { SampledLog } from "./sampled-log";

interface Window {
  start: number;
  refused: number;
}

export interface FloodCutoffOptions {
  /** Refusals per key within `windowMs` after which its sending sockets are disconnected. */
  threshold: number;
  windowMs: number;
  /** Between the decision and the disconnect: the events already read still get their answers. 0: at once. */
  graceMs: number;
  log: Logger;
  /** Where the "disconnecting" lines go: one per key per window, with a count. */
  sampled: SampledLog;
}

/**
 * @example
 * const cutoff = new FloodCutoff({ threshold: 200, windowMs: 10_000, graceMs: 100, log, sampled });
 * if (cutoff.isCuttingOff(socket)) return refuse();
 * cutoff.strike(`user:${id}`, socket, "message:send");
 */
export class FloodCutoff {
  private readonly windows = new Map<string, Window>();
  private readonly cutting = new WeakSet<Socket>();
  private strikesSincePurge = 0;

  constructor(private readonly options: FloodCutoffOptions) {}

  /** Whether `socket` is being disconnected (or is gone): its events deserve no work at all. */
  isCuttingOff(socket: Socket): boolean {
    return !socket.connected || this.cutting.has(socket);
  }

  /** Counts one refusal of `key` on `socket`; true when the socket is now being cut off. */
  strike(key: string, socket: Socket, event: string, now = performance.now()): boolean {
    if (++this.strikesSincePurge >= 10_000) this.purge(now);
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.options.windowMs) this.windows.set(key, (w = { start: now, refused: 0 }));
    if (++w.refused <= this.options.threshold) return false;
    if (this.isCuttingOff(socket)) return true;
    this.cutting.add(socket);
    this.options.sampled.note(`${key}\0flood`, this.options.log, "warn", "disconnecting a flooding client", {
      user: key,
      socket: socket.id,
      event,
      refused: this.options.threshold,
      windowSeconds: this.options.windowMs / 1000,
    });
    if (this.options.graceMs > 0) setTimeout(() => socket.disconnect(true), this.options.graceMs).unref();
    else socket.disconnect(true);
    return true;
  }

  private purge(now: number): void {
    this.strikesSincePurge = 0;
    for (const [key, w] of this.windows) if (now - w.start >= this.options.windowMs) this.windows.delete(key);
  }
}
