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
  hooks?: TransactionHooks;
}

/**
 * What the writer does around every transaction the queue runs (the batch's,
 * or a single write's): the deferred full-text index and the writer's caches
 * (sqlite-writer-state.ts).
 */
export interface TransactionHooks {
  /** First, inside the transaction, before its writes. */
  begin?(): void;
  /** Last, inside the transaction, after its writes: a throw rolls the transaction back like a failing write. */
  end?(): void;
  /** After a rollback: of a whole transaction, or of one write's savepoint. */
  rolledBack?(): void;
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

  const hooks = options.hooks ?? {};
  /** Runs `body` between the begin and end hooks; a throw means better-sqlite3 rolled back. */
  const framed =
    <A extends unknown[], R>(body: (...args: A) => R) =>
    (...args: A): R => {
      hooks.begin?.();
      const result = body(...args);
      hooks.end?.();
      return result;
    };
  // better-sqlite3 rolls the transaction back when the function throws.
  const runPlain = db.transaction(framed((batch: Pending[]): Outcome[] => batch.map((p) => ({ ok: true, value: p.write() }))));
  const runIsolated = db.transaction(
    framed((batch: Pending[]): Outcome[] =>
      batch.map((p) => {
        try {
          return { ok: true, value: savepoint(p.write) };
        } catch (error) {
          hooks.rolledBack?.();
          return { ok: false, error };
        }
      }),
    ),
  );
  // Called inside a transaction, a better-sqlite3 transaction becomes a SAVEPOINT.
  const savepoint = db.transaction((write: Write<unknown>) => write());
  const single = db.transaction(framed((write: Write<unknown>) => write()));
  /** `run()`, telling the hooks when it rolled back. */
  const rollingBack = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      hooks.rolledBack?.();
      throw error;
    }
  };

  /** BEGIN IMMEDIATE: take the write lock up front, so a second process on the file waits (busy_timeout) instead of failing mid-transaction. */
  function commit(batch: Pending[]): Outcome[] {
    try {
      return rollingBack(() => runPlain.immediate(batch));
    } catch {
      stats.isolatedRetries++;
      return rollingBack(() => runIsolated.immediate(batch));
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
          const value = rollingBack(() => single.immediate(write)) as T;
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
