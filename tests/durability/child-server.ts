/**
 * A real Parlor in a child process (`node --import tsx server/index.ts`, one
 * process, so SIGKILL hits the server itself and not a wrapper), for tests
 * that must crash it. Started on a free port; ready when /healthz answers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

export interface ChildServer {
  url: string;
  /** SIGKILL: no shutdown code runs, as in a crash. Resolves once the process is gone. */
  kill9(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Every child started and not yet killed, so afterAll can kill what a failed test left. */
const running = new Set<ChildServer>();

/** Kills every child server still running (call in afterAll). */
export async function killAllChildServers(): Promise<void> {
  await Promise.all([...running].map((s) => s.kill9()));
}

/**
 * @example
 * const server = await startChildServer({ PARLOR_DB: file, PARLOR_SECRET: secret });
 * await server.kill9();
 */
export async function startChildServer(env: Record<string, string>, timeoutMs = 20_000): Promise<ChildServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server", "index.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      // The SQLite store, whatever the developer's shell says.
      DATABASE_URL: "",
      PARLOR_REDIS_URL: "",
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const server: ChildServer = {
    url: `http://127.0.0.1:${port}`,
    async kill9() {
      running.delete(server);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
  running.add(server);

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${stderr}`);
    try {
      const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.kill9();
      throw new Error(`server did not answer /healthz within ${timeoutMs} ms:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
