/**
 * Group commit for better-sqlite3: every write submitted during one turn of
 * the event loop runs in ONE transaction, and each caller's promise settles
 * only after that transaction has committed.
 *
 * Why: with `synchronous = FULL` each commit is an fsync of the WAL (hundreds
 * of microseconds to milliseconds); under load, one fsync per message is the
 * ceiling. Batching pays it once per batch. The ack still means "stored":
 * callers ack only when their promise resolves, i.e. after the commit.
 *
 * Isolation inside a batch: a batch first runs plainly. If any write throws,
 * the whole transaction is rolled back (nothing half-done, no `seq` bump
 * kept) and the batch runs again with each write in its own SAVEPOINT, so the
 * failing write fails alone and the others commit. Savepoints are not the
 * fast path on purpose: FTS5 flushes its pending index data at every
 * savepoint, which made each message cost a tiny index segment (≈3× slower).
 *
 * Writes must therefore be re-runnable: their only effects are on the
 * database, and they may run twice before one commit.
 */
import type { Database } from "better-sqlite3";

/** A write: synchronous code that runs inside a transaction and returns its result. */
export type Write<T> = () => T;

export interface CommitStats {
  /** Transactions committed (batches in group mode, writes otherwise). */
  commits: number;
  /** Writes that succeeded. */
  writes: number;
  /** The largest batch so far. */
  maxBatch: number;
  /** Batches that had a failing write and were re-run with a savepoint per write. */
  isolatedRetries: number;
}

export interface WriteQueue {
  /** Runs `write` in a transaction; resolves after that transaction commits. */
  submit<T>(write: Write<T>): Promise<T>;
  /** Commits whatever is queued now (used before closing). */
  flush(): void;
  stats(): CommitStats;
}

export interface WriteQueueOptions {
  /** false: one transaction per write (the baseline the benchmark compares with). */
  group: boolean;
  /** A batch is committed early once it holds this many writes (bounds latency and transaction size). */
  maxBatch?: number;
}

interface Pending {
  write: Write<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * A write queue on `db`.
 *
 * @example
 * const queue = createWriteQueue(db, { group: true });
 * const row = await queue.submit(() => insert.run(values)); // committed here
 */
export function createWriteQueue(db: Database, options: WriteQueueOptions): WriteQueue {
  const maxBatch = options.maxBatch ?? 1000;
  const stats: CommitStats = { commits: 0, writes: 0, maxBatch: 0, isolatedRetries: 0 };
  let queue: Pending[] = [];
  let scheduled: NodeJS.Immediate | undefined;

  // better-sqlite3 rolls the transaction back when the function throws.
  const runPlain = db.transaction((batch: Pending[]): Outcome[] => batch.map((p) => ({ ok: true, value: p.write() })));
  const runIsolated = db.transaction((batch: Pending[]): Outcome[] =>
    batch.map((p) => {
      try {
        return { ok: true, value: savepoint(p.write) };
      } catch (error) {
        return { ok: false, error };
      }
    }),
  );
  // Called inside a transaction, a better-sqlite3 transaction becomes a SAVEPOINT.
  const savepoint = db.transaction((write: Write<unknown>) => write());
  const single = db.transaction((write: Write<unknown>) => write());

  /** BEGIN IMMEDIATE: take the write lock up front, so a second process on the file waits (busy_timeout) instead of failing mid-transaction. */
  function commit(batch: Pending[]): Outcome[] {
    try {
      return runPlain.immediate(batch);
    } catch {
      stats.isolatedRetries++;
      return runIsolated.immediate(batch);
    }
  }

  function flush(): void {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      let outcomes: Outcome[];
      try {
        outcomes = commit(batch);
      } catch (error) {
        // The commit itself failed (disk full, I/O error, lock timeout): nothing
        // of this batch is stored, so nobody may be told it is.
        for (const p of batch) p.reject(error);
        continue;
      }
      stats.commits++;
      stats.maxBatch = Math.max(stats.maxBatch, batch.length);
      outcomes.forEach((o, i) => {
        if (o.ok) {
          stats.writes++;
          batch[i].resolve(o.value);
        } else batch[i].reject(o.error);
      });
    }
  }

  return {
    submit<T>(write: Write<T>): Promise<T> {
      if (!options.group) {
        try {
          const value = single.immediate(write) as T;
          stats.commits++;
          stats.writes++;
          stats.maxBatch = Math.max(stats.maxBatch, 1);
          return Promise.resolve(value);
        } catch (error) {
          return Promise.reject(error);
        }
      }
      return new Promise<T>((resolve, reject) => {
        queue.push({ write, resolve: resolve as (v: unknown) => void, reject });
        if (queue.length >= maxBatch) flush();
        // setImmediate runs after the poll phase: every socket read in this
        // turn of the loop has had its handler queue its write by then.
        else scheduled ??= setImmediate(flush);
      });
    },
    flush,
    stats: () => ({ ...stats }),
  };
}
