/**
 * Searches run on a reader thread of their own, one at a time, each within a
 * time budget counted from when it was asked for (waiting included), so a
 * searcher gets an answer in about `budgetMs` whatever runs before it.
 *
 * Two guards enforce the budget:
 * - in the thread, a deadline check inside the scan aborts the statement
 *   (sqlite-reads.ts), the normal way a long search ends;
 * - here, a search still running `GRACE_MS` after its deadline (time spent
 *   where no row is visited, e.g. merging a huge prefix) is answered with the
 *   same error and its thread is replaced. A terminated thread stops at its
 *   statement's end (V8 cannot interrupt native code), at lowered priority.
 *
 * History reads have their own thread (sqlite.ts): a search never delays a join.
 */
import type { SearchResult } from "../protocol";
import { searchTimeout } from "./sqlite-reads";
import { startThread, type SqliteThread, type ThreadEvents } from "./sqlite-thread";

/** How long past its deadline a search may run before its thread is replaced. */
const GRACE_MS = 250;
/** Search threads yield the CPU to the chat path (Linux nice value). */
const SEARCH_NICE = 10;

interface Job {
  args: [match: string, rooms: string[], limit: number];
  deadline: number;
  resolve(results: SearchResult[]): void;
  reject(err: Error): void;
  timer?: NodeJS.Timeout;
}

export interface SearchThread {
  search(match: string, rooms: string[], limit: number): Promise<SearchResult[]>;
  /** Times a thread was replaced after overrunning its budget. */
  replaced(): number;
  thread(): SqliteThread;
  close(): Promise<void>;
}

/**
 * @example
 * const searches = startSearchThread(file, 1000, { onFault });
 * const results = await searches.search(toFtsQuery("hel*")!, ["lobby"], 20);
 */
export function startSearchThread(file: string, budgetMs: number, events: ThreadEvents): SearchThread {
  const spawn = () => startThread({ role: "reader", file, synchronous: "FULL", groupCommit: false, nice: SEARCH_NICE }, events);
  // Started at the first search: most servers and tests never search, and a thread costs ~50 ms to start.
  let started: SqliteThread | undefined;
  const thread = () => (started ??= spawn());
  let running: Job | undefined;
  let replaced = 0;
  const queue: Job[] = [];

  const finish = (job: Job, outcome: { results: SearchResult[] } | { error: Error }) => {
    clearTimeout(job.timer);
    if ("results" in outcome) job.resolve(outcome.results);
    else job.reject(outcome.error);
  };

  const next = () => {
    if (running || queue.length === 0) return;
    const job = queue.shift()!;
    running = job;
    const [match, rooms, limit] = job.args;
    thread()
      .call<SearchResult[]>("search", [match, rooms, limit, Math.max(1, job.deadline - performance.now())])
      .then(
        (results) => finish(job, { results }),
        (error: Error) => finish(job, { error }),
      )
      .finally(() => {
        if (running === job) running = undefined;
        next();
      });
  };

  const overrun = (job: Job) => {
    const i = queue.indexOf(job);
    if (i >= 0) {
      queue.splice(i, 1);
      finish(job, { error: searchTimeout() });
      return;
    }
    if (running !== job) return;
    // Still in the thread: answer now, and give the next search a fresh thread.
    replaced++;
    const old = thread();
    started = spawn();
    running = undefined;
    finish(job, { error: searchTimeout() });
    void old.terminate(searchTimeout());
    next();
  };

  return {
    search(match, rooms, limit) {
      return new Promise<SearchResult[]>((resolve, reject) => {
        const job: Job = { args: [match, rooms, limit], deadline: performance.now() + budgetMs, resolve, reject };
        job.timer = setTimeout(() => overrun(job), budgetMs + GRACE_MS);
        queue.push(job);
        next();
      });
    },
    replaced: () => replaced,
    thread,
    async close() {
      for (const job of queue.splice(0)) finish(job, { error: new Error("message store is closed") });
      await started?.close();
    },
  };
}
