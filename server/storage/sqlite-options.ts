/** Options of the SQLite store, shared by its main side and its worker threads. */

/**
 * How hard a commit tries to reach the disk (PARLOR_SQLITE_SYNC):
 * - FULL (default): the WAL is fsynced at every commit. A committed (acked)
 *   message survives a process crash, a kernel panic and a power loss.
 * - NORMAL: the WAL is fsynced only at checkpoints. A committed message
 *   survives a process crash (kill -9); a power loss can lose the last
 *   commits, though the file stays consistent.
 */
export type SqliteSync = "FULL" | "NORMAL";

export interface SqliteStoreOptions {
  synchronous?: SqliteSync;
  /** false: one transaction per write (the benchmark's baseline). Default true. */
  groupCommit?: boolean;
  /** Largest group-commit batch (default 1000). */
  maxBatch?: number;
  /** A search that takes longer is stopped and answered with an error (default 1000 ms). */
  searchBudgetMs?: number;
  /** How often the database file's identity is checked (default 1000 ms). */
  fileCheckMs?: number;
}

/** The default search budget: far above a normal search (a few ms), far below an ack timeout. */
export const DEFAULT_SEARCH_BUDGET_MS = 1000;
