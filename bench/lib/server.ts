/**
 * Starts a server under test in its own process (so load generators never
 * share its event loop), on 127.0.0.1 and a free port, and reads its
 * resident memory and CPU time from /proc.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export type ServerKind = "parlor" | "bare";

const ROOT = path.resolve(__dirname, "..", "..");
const ENTRY: Record<ServerKind, string> = {
  parlor: path.join(ROOT, "server", "index.ts"),
  bare: path.join(ROOT, "bench", "bare-server.ts"),
};
const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Servers still running: killed when this process exits, however it exits, so none outlives its benchmark. */
const running = new Set<ChildProcess>();
process.on("exit", () => running.forEach((c) => c.kill("SIGKILL")));
for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => process.exit(130));

export interface ServerProcess {
  kind: ServerKind;
  url: string;
  pid: number;
  /** The token secret a Parlor server was started with (load workers mint tokens with it). */
  secret: string;
  /** Resident set size now, bytes. */
  rssBytes(): number;
  /** User + system CPU time used so far, ms. */
  cpuMs(): number;
  /** Throws, with the end of the server's stderr, if it is no longer running (a crash must not read as a slow server). */
  assertAlive(): void;
  /** Kills the server (SIGKILL: clients see the connection drop, and nothing lingers) and removes its data. */
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Stop with SIGTERM (and wait) instead of SIGKILL, e.g. so `--cpu-prof` can write its profile. */
  graceful?: boolean;
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

function readProc(pid: number, file: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return "";
  }
}

async function waitUntilServing(url: string, child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${stderr()}`);
    try {
      const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not start within ${timeoutMs} ms:\n${stderr()}`);
}

/**
 * @example
 * const server = await startServer("parlor", { env: { PARLOR_RATE_PER_SEC: "1000000" } });
 * console.log(server.url, server.rssBytes());
 * await server.stop();
 */
export async function startServer(kind: ServerKind, opts: StartOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `parlor-bench-${kind}-`));
  const secret = randomBytes(24).toString("base64url");
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), "--import", "tsx", ENTRY[kind]], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      PARLOR_DB: path.join(dataDir, "parlor.db"),
      PARLOR_SECRET: secret,
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      ...opts.env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(opts.graceful ? "SIGTERM" : "SIGKILL");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(url, child, 30_000, () => stderr);
  } catch (err) {
    await kill();
    throw err;
  }
  const pid = child.pid!;
  return {
    kind,
    url,
    pid,
    secret,
    rssBytes: () => Number(/VmRSS:\s+(\d+)/.exec(readProc(pid, "status"))?.[1] ?? NaN) * 1024,
    cpuMs() {
      // Fields after the ")" of the command name: utime and stime are the 12th and 13th.
      const fields = readProc(pid, "stat").split(") ")[1]?.split(" ") ?? [];
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
    },
    assertAlive() {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${kind} server died (${child.exitCode ?? child.signalCode}):\n${stderr}`);
      }
    },
    stop: kill,
  };
}
