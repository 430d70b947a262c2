/**
 * The main side of one SQLite store thread: starts sqlite-worker in a
 * worker_threads Worker, sends it requests and settles their promises.
 *
 * - Requests made during one turn of the event loop go over in one message
 *   (postMessage costs more than the small objects it carries).
 * - The thread keeps the process alive only while a request is pending, as a
 *   socket would: an idle store does not hold a finished script open.
 * - If the thread dies, every pending request fails at once and later ones
 *   fail immediately: a caller is never left waiting.
 */
import path from "node:path";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { CommitStats } from "./group-commit";
import { workerSources } from "./sqlite-thread-source";
import { deserializeError, type Request, type ThreadData, type WorkerMessage } from "./sqlite-thread-protocol";

/** From dist/ the compiled worker runs as is; from source, the loader runs it from modules compiled here. */
const COMPILED = __filename.endsWith(".js");
const ENTRY = path.join(__dirname, COMPILED ? "sqlite-worker.js" : "sqlite-worker.ts");
const LOADER = path.join(__dirname, "sqlite-thread-loader.cjs");
/** The writer opens and migrates the file before the store is returned; this long at most. */
const OPEN_TIMEOUT_MS = 30_000;

export interface ThreadEvents {
  /** The thread reported a storage fault, or died: the store is unhealthy. */
  onFault(reason: string): void;
  onStats?(stats: CommitStats): void;
}

export interface SqliteThread {
  call<T>(op: string, args: unknown[]): Promise<T>;
  /** Requests sent and not yet answered. */
  pending(): number;
  /** Whether the thread is still running. */
  alive(): boolean;
  /** Asks the thread to finish what it has and close its connection; resolves when it has exited. */
  close(): Promise<void>;
  /** Stops the thread now; pending requests fail with `reason`. */
  terminate(reason: Error): Promise<void>;
  /** The Worker itself (tests, diagnostics). */
  readonly worker: Worker;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/**
 * Starts a thread. With `data.role === "writer"` it blocks until the file is
 * open and migrated (startup only), so an unusable file fails here, as it did
 * when SQLite ran on the main thread.
 *
 * @example
 * const writer = startThread({ role: "writer", file, synchronous: "FULL", groupCommit: true }, { onFault: log });
 * const stored = await writer.call("appendMessage", [input]);
 */
export function startThread(data: Omit<ThreadData, "entry" | "ready">, events: ThreadEvents): SqliteThread {
  const waitForOpen = data.role === "writer";
  const ready = waitForOpen ? new SharedArrayBuffer(4) : undefined;
  const channel = waitForOpen ? new MessageChannel() : undefined;
  const worker = new Worker(COMPILED ? ENTRY : LOADER, {
    workerData: {
      ...data,
      entry: ENTRY,
      ready,
      openPort: channel?.port2,
      ...(COMPILED ? {} : { sources: workerSources(ENTRY) }),
    } satisfies ThreadData,
    transferList: channel ? [channel.port2] : [],
    // The parent's flags (tsx's loader, --cpu-prof) are not the worker's business.
    execArgv: [],
  });
  const waiting = new Map<number, Pending>();
  let nextId = 1;
  let outbox: Request[] = [];
  let dead: Error | undefined;
  let closing = false;
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));

  // While closing, until the thread has exited: `await store.close()` must come back.
  const refresh = () => (waiting.size > 0 || (closing && !dead) ? worker.ref() : worker.unref());
  const failAll = (err: Error) => {
    for (const p of waiting.values()) p.reject(err);
    waiting.clear();
    refresh();
  };
  const onMessage = (m: WorkerMessage) => {
    if (m.type === "fault") events.onFault(m.reason);
    if (m.type !== "responses") return;
    if (m.stats) events.onStats?.(m.stats);
    for (const r of m.responses) {
      const p = waiting.get(r.id);
      waiting.delete(r.id);
      if (r.ok) p?.resolve(r.value);
      else p?.reject(deserializeError(r.error));
    }
    refresh();
  };
  worker.on("message", onMessage);
  worker.on("error", (err) => {
    dead ??= new Error(`message store thread failed: ${(err as Error)?.message ?? String(err)}`);
    events.onFault(dead.message);
  });
  worker.once("exit", (code) => {
    dead ??= new Error(`message store thread exited (${code})`);
    if (!closing) events.onFault(dead.message);
    failAll(dead);
  });

  if (ready && channel) {
    const flag = new Int32Array(ready);
    // Startup only: the file must be usable before the server listens.
    if (Atomics.wait(flag, 0, 0, OPEN_TIMEOUT_MS) === "timed-out")
      throw new Error(`SQLite writer did not open ${data.file} within ${OPEN_TIMEOUT_MS} ms`);
    const opened = receiveMessageOnPort(channel.port1)?.message as WorkerMessage | undefined;
    channel.port1.close();
    if (Atomics.load(flag, 0) !== 1) {
      void worker.terminate();
      throw opened?.type === "opened" && opened.error
        ? deserializeError(opened.error)
        : new Error(`SQLite writer failed to open ${data.file}`);
    }
  }
  refresh();

  const flush = () => {
    const batch = outbox;
    outbox = [];
    if (batch.length > 0 && !dead) worker.postMessage(batch);
  };

  return {
    worker,
    call<T>(op: string, args: unknown[]): Promise<T> {
      if (dead) return Promise.reject(dead);
      return new Promise<T>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        if (outbox.length === 0) setImmediate(flush);
        outbox.push({ id, op, args });
        refresh();
      });
    },
    pending: () => waiting.size,
    alive: () => !dead,
    async close() {
      if (dead) return;
      closing = true;
      const closed = this.call("close", []);
      flush();
      await closed.catch(() => undefined);
      await exited;
    },
    async terminate(reason) {
      closing = true;
      dead ??= reason;
      failAll(reason);
      await worker.terminate();
    },
  };
}
