/**
 * Load workers: child processes (tsx) that hold sockets and run load loops,
 * driven by the benchmark over IPC with request/response messages. A worker
 * exits when its parent goes away, so no load outlives the benchmark.
 */
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";

interface Request {
  id: number;
  type: string;
  [key: string]: unknown;
}
type Response = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export interface Worker {
  /** Sends `{ type, ...args }`, resolves with the handler's result. */
  call<T = unknown>(type: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** Ends the worker (its sockets close with it). */
  stop(): Promise<void>;
}

/**
 * Starts `bench/workers/<name>.ts` in a new process.
 *
 * @example
 * const w = startWorker("fanout-receiver");
 * await w.call("connect", { url, count: 250 });
 */
export function startWorker(name: string): Worker {
  const child: ChildProcess = fork(path.resolve(__dirname, "..", "workers", `${name}.ts`), [], {
    execArgv: ["--import", "tsx"],
    // tsx resolves from the working directory: the repository root.
    cwd: path.resolve(__dirname, "..", ".."),
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  child.on("message", (res: Response) => {
    const p = pending.get(res.id);
    pending.delete(res.id);
    if (res.ok) p?.resolve(res.result);
    else p?.reject(new Error(`${name}: ${res.error}`));
  });
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code) => {
      for (const p of pending.values()) p.reject(new Error(`${name} exited (${code})`));
      pending.clear();
      resolve();
    }),
  );
  return {
    call<T>(type: string, args: Record<string, unknown> = {}, timeoutMs = 120_000) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => (pending.delete(id), reject(new Error(`${name}.${type} timed out`))), timeoutMs);
        pending.set(id, {
          resolve: (v) => (clearTimeout(timer), resolve(v as T)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
        child.send({ id, type, ...args } satisfies Request);
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/**
 * The worker side: answers requests with `handlers[type](request)`.
 *
 * @example
 * serve({ async connect({ url }) { ...; return { connected: 250 }; } });
 */
export function serve(handlers: Record<string, (req: Record<string, any>) => unknown>): void {
  // No orphans: when the benchmark goes, so does its load.
  process.on("disconnect", () => process.exit(0));
  process.on("message", async (req: Request) => {
    try {
      const handler = handlers[req.type];
      if (!handler) throw new Error(`no handler for ${req.type}`);
      process.send!({ id: req.id, ok: true, result: (await handler(req)) ?? null } satisfies Response);
    } catch (err) {
      process.send!({ id: req.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies Response);
    }
  });
}
