/**
 * Health of the SQLite store: false once a commit failed for a storage
 * reason, a store thread died, or the database file at the path is no
 * longer the one opened (deleted, or replaced by another file: a restore, a
 * bad deploy). SQLite keeps writing to the open inode in those cases, so
 * every later "stored" would be a lie about the file on disk.
 *
 * Faults are sticky: after a failed fsync the kernel may have dropped the
 * dirty pages, so a later successful commit does not prove earlier ones.
 */
import fs from "node:fs";
import type { Logger } from "../logger";
import type { StoreHealth } from "./types";

export interface HealthTracker {
  health(): StoreHealth;
  /** Records a fault (the first one is kept as the reason) and logs it. */
  fault(reason: string): void;
  /** Compares the file at the path with the one opened now. */
  checkFile(): Promise<void>;
  stop(): void;
}

/**
 * Watches `file` every `intervalMs` (timer unref'd: it never holds the process open).
 *
 * @example
 * const tracker = trackHealth(file, 1000, log);
 * tracker.health(); // { ok: true }
 */
export function trackHealth(file: string, intervalMs: number, log?: Logger): HealthTracker {
  const opened = fs.statSync(file);
  let reason: string | undefined;
  const fault = (why: string) => {
    if (reason !== undefined) return;
    reason = why;
    log?.error({ file, reason: why }, "message store unhealthy");
  };
  const checkFile = async () => {
    if (reason !== undefined) return;
    try {
      const now = await fs.promises.stat(file);
      if (now.ino !== opened.ino || now.dev !== opened.dev) fault("database file was replaced");
    } catch (err) {
      fault(
        (err as NodeJS.ErrnoException).code === "ENOENT"
          ? "database file was deleted"
          : `database file cannot be read: ${(err as Error).message}`,
      );
    }
  };
  const timer = setInterval(checkFile, intervalMs);
  timer.unref();
  return {
    health: () => (reason === undefined ? { ok: true } : { ok: false, reason }),
    fault,
    checkFile,
    stop: () => clearInterval(timer),
  };
}
