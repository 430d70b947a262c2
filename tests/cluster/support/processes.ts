/**
 * Test support for real processes: find a binary (a missing one fails the
 * run, never skips it), pick a free port, spawn with a bounded log tail, and
 * stop for sure in afterAll.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

/**
 * The absolute path of `name` from PATH or one of `extraDirs` (globs of one
 * `*` level are expanded, e.g. `/usr/lib/postgresql/* /bin`). Throws when it is
 * nowhere: under CI=true (and outside it) a cluster test without its servers
 * must fail, not pass by skipping.
 */
export function findBinary(name: string, extraDirs: string[] = []): string {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), ...extraDirs.flatMap(expandStar)];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(
    `${name} not found in PATH or ${extraDirs.join(", ")}: install it (see .ci/run)${process.env.CI ? " — CI=true, failing" : ""}`,
  );
}

function expandStar(pattern: string): string[] {
  const i = pattern.indexOf("*");
  if (i < 0) return [pattern];
  const parent = path.dirname(pattern.slice(0, i + 1));
  const rest = pattern.slice(pattern.indexOf("/", i));
  try {
    return fs
      .readdirSync(parent)
      .sort()
      .reverse()
      .map((entry) => path.join(parent, entry, rest));
  } catch {
    return [];
  }
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

export interface Spawned {
  child: ChildProcess;
  /** The last few KB of stdout and stderr, for error messages. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM), SIGKILL after `graceMs`, resolves once it has exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/**
 * @example
 * const p = spawnLogged("/usr/bin/redis-server", ["--port", "6400"]);
 * await p.stop();
 */
export function spawnLogged(command: string, args: string[], opts: SpawnOptions = {}): Spawned {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", (err) => {
      keep(Buffer.from(String(err)));
      resolve({ code: -1, signal: null });
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    output: () => output,
    exited,
    async stop(signal = "SIGTERM", graceMs = 5000) {
      if (running() && child.pid !== undefined) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Polls `check` until it resolves true (rejects with `what` and the output after `timeoutMs`). */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, output = () => ""): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
