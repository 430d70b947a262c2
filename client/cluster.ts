/**
 * `npm run cluster`: a local two-node demo. Starts a redis-server (from PATH,
 * on a free port, unless PARLOR_REDIS_URL points at one) and two Parlor nodes
 * on ports 3001 and 3002 that share it and one database: the SQLite file
 * data/cluster.db (WAL; two processes on one machine may share it, writes
 * take turns with BEGIN IMMEDIATE so seq stays gap-free), or PostgreSQL when
 * DATABASE_URL is set. Ctrl-C stops everything gracefully.
 */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";

const ROOT = path.resolve(__dirname, "..");
const PORTS = [3001, 3002];
const host = process.env.HOST ?? "127.0.0.1";
const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;

/** Starts a child whose output lines are printed with a `[name]` prefix. */
function start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  // Own process group: Ctrl-C reaches only this launcher, which then stops each
  // child once (a node takes a second signal as "exit now").
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) readline.createInterface({ input: stream }).on("line", (line) => console.log(`[${name}] ${line}`));
  }
  child.once("exit", (code, signal) => {
    if (!stopping) console.log(`[${name}] exited (${signal ?? code}); the other node keeps serving`);
  });
  children.push({ name, child });
  return child;
}

const pidOf = (name: string) => children.find((c) => c.name === name)?.child.pid ?? "?";

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

async function waitFor(what: string, ready: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not start within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => (socket.end(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

async function stopAll(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping: nodes first (graceful), then redis");
  const exited = (child: ChildProcess) => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once("exit", r)));
  const nodes = children.filter((c) => c.name !== "redis");
  nodes.forEach(({ child }) => child.kill("SIGTERM"));
  await Promise.all(nodes.map(({ child }) => exited(child)));
  for (const { name, child } of children.filter((c) => c.name === "redis")) {
    child.kill("SIGTERM");
    await exited(child);
    console.log(`[${name}] stopped`);
  }
}

async function main(): Promise<void> {
  let redisUrl = process.env.PARLOR_REDIS_URL;
  if (!redisUrl) {
    const port = await freePort();
    const redis = start("redis", "redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"], process.env);
    redis.once("error", (err) => {
      console.error(`cannot start redis-server (${err.message}): install it, or set PARLOR_REDIS_URL`);
      process.exit(1);
    });
    await waitFor("redis-server", () => listening(port));
    redisUrl = `redis://127.0.0.1:${port}`;
  }

  const shared: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: host,
    PARLOR_REDIS_URL: redisUrl,
    PARLOR_DB: process.env.PARLOR_DB ?? path.join(ROOT, "data", "cluster.db"),
  };
  PORTS.forEach((port, i) =>
    start(`node-${i + 1}`, process.execPath, ["--import", "tsx", path.join(ROOT, "server", "index.ts")], {
      ...shared,
      PORT: String(port),
      PARLOR_NODE_ID: `node-${i + 1}`,
    }),
  );
  await Promise.all(PORTS.map((port) => waitFor(`node on ${port}`, async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok)));

  const shown = host === "0.0.0.0" ? "localhost" : host;
  console.log(`
Parlor cluster is up: two nodes, Redis at ${redisUrl}, ${process.env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `SQLite ${shared.PARLOR_DB}`}.

  node 1  http://${shown}:${PORTS[0]}/?name=Ann&room=lobby   (pid ${pidOf("node-1")})
  node 2  http://${shown}:${PORTS[1]}/?name=Ben&room=lobby   (pid ${pidOf("node-2")})

Open one link in a normal window and the other in a private window (each
window keeps its own session): messages, typing, presence and DMs cross nodes.
Metrics: /metrics on each node. Stop a node (kill -TERM <pid>) to watch its
page get system:shutdown and its members leave on the other node. A page only
reconnects to its own port: in production a load balancer sends it elsewhere.
Ctrl-C stops everything.
`);
}

// If the launcher dies some other way, take the children with it.
process.on("exit", () => children.forEach(({ child }) => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL")));
process.on("SIGINT", () => void stopAll().then(() => process.exit(0)));
process.on("SIGTERM", () => void stopAll().then(() => process.exit(0)));
main().catch(async (err) => {
  console.error(err instanceof Error ? err.message : err);
  await stopAll();
  process.exit(1);
});
