/**
 * Promises the client can cancel all at once on `close()`, so a closed
 * client leaves no timer behind (scripts exit, tests have no open handles).
 */
import { ParlorError } from "./errors";

interface Pending {
  resolve(): void;
  reject(err: ParlorError): void;
}

export class Waiters {
  private readonly pending = new Set<Pending>();

  /** Resolves on `releaseAll()`, rejects with TIMEOUT after `ms` or CLOSED on `rejectAll()`. */
  wait(ms: number, timeoutMessage: string): Promise<void> {
    return this.track(ms, () => new ParlorError("TIMEOUT", timeoutMessage));
  }

  /** Resolves after `ms` (a retry delay), or rejects with CLOSED on `rejectAll()`. */
  sleep(ms: number): Promise<void> {
    return this.track(ms, null);
  }

  releaseAll(): void {
    for (const p of [...this.pending]) p.resolve();
  }

  rejectAll(err: ParlorError): void {
    for (const p of [...this.pending]) p.reject(err);
  }

  private track(ms: number, onTimeout: (() => ParlorError) | null): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.pending.delete(entry);
      };
      const entry: Pending = {
        resolve: () => (done(), resolve()),
        reject: (err) => (done(), reject(err)),
      };
      const timer = setTimeout(() => (onTimeout ? entry.reject(onTimeout()) : entry.resolve()), ms);
      this.pending.add(entry);
    });
  }
}
