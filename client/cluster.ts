/**
 * `npm run cluster`: a local two-node demo. Starts a redis-server (from PATH,
 * on a free port, unless PARLOR_REDIS_URL points at one) and two Parlor nodes
 * on ports 3001 and 3002 that share it and one database: the SQLite file
 * data/cluster.db (WAL; two processes on one machine may share it, writes
 * take turns with BEGIN IMMEDIATE so seq stays gap-free), or PostgreSQL when
 * DATABASE_URL is set. Ctrl-C stops everything gracefully.
 *
 * When nginx is installed (PATH or /usr/sbin) it goes in front, on port 3000,
 * as a load balancer with sticky sessions (client/nginx.ts): one URL for
 * browsers and polling clients, and a page whose node stops reconnects to the
 * other one. `--no-nginx` leaves it out; `--nginx` fails when it is missing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";
import { findNginx, prepareNginx, type PreparedNginx } from "./nginx";

const ROOT = path.resolve(__dirname, "..");
const PORTS = [3001, 3002];
const LB_PORT = 3000;
const host = process.env.HOST ?? "127.0.0.1";
const nginxWanted = process.argv.includes("--no-nginx") ? "no" : process.argv.includes("--nginx") ? "required" : "if-found";
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
    if (!stopping) console.log(`[${name}] exited (${signal ?? code})${name.startsWith("node-") ? "; the other node keeps serving" : ""}`);
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

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

let nginxDir: PreparedNginx | undefined;

async function stopAll(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping: nodes first (graceful), then nginx and redis");
  const exited = (child: ChildProcess) => (running(child) ? new Promise((r) => child.once("exit", r)) : Promise.resolve());
  // Nodes tell their clients (system:shutdown) while nginx still carries it.
  const nodes = children.filter((c) => c.name.startsWith("node-"));
  nodes.forEach(({ child }) => child.kill("SIGTERM"));
  await Promise.all(nodes.map(({ child }) => exited(child)));
  for (const name of ["nginx", "redis"]) {
    for (const { child } of children.filter((c) => c.name === name)) {
      child.kill("SIGTERM");
      await exited(child);
      console.log(`[${name}] stopped`);
    }
  }
  nginxDir?.cleanup();
}

/** The nginx binary to use, or undefined to run without it (per --nginx / --no-nginx). */
function nginxBinary(): string | undefined {
  if (nginxWanted === "no") return undefined;
  const bin = findNginx();
  if (!bin && nginxWanted === "required") throw new Error("--nginx: nginx is not installed (Debian: apt-get install nginx)");
  return bin;
}

/**
 * nginx in front of the nodes, on LB_PORT of the same host. It reaches the
 * nodes on loopback unless they are bound to one specific other address.
 */
async function startNginx(bin: string, backendHost: string): Promise<void> {
  if (await listening(LB_PORT)) throw new Error(`port ${LB_PORT} is taken: stop what listens there, or run with --no-nginx`);
  const withPort = (port: number) => (backendHost.includes(":") ? `[${backendHost}]:${port}` : `${backendHost}:${port}`);
  nginxDir = prepareNginx({ host, port: LB_PORT }, PORTS.map(withPort));
  const nginx = start("nginx", bin, nginxDir.args, process.env);
  nginx.once("error", (err) => console.error(`[nginx] cannot start (${err.message})`));
  // nginx prints why it could not start (a taken port, a bad directive) on stderr, shown above.
  const died = new Promise<never>((_, reject) => nginx.once("exit", () => reject(new Error("nginx exited during start"))));
  died.catch(() => undefined);
  await Promise.race([waitFor("nginx", async () => (await fetch(`http://127.0.0.1:${LB_PORT}/healthz`)).ok), died]);
}

async function main(): Promise<void> {
  let redisUrl = process.env.PARLOR_REDIS_URL;
  if (!redisUrl) {
    const port = await freePort();
    const redis = start(
      "redis",
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"],
      process.env,
    );
    redis.once("error", (err) => {
      console.error(`cannot start redis-server (${err.message}): install it, or set PARLOR_REDIS_URL`);
      process.exit(1);
    });
    await waitFor("redis-server", () => listening(port));
    redisUrl = `redis://127.0.0.1:${port}`;
  }

  const nginx = nginxBinary();
  const backendHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  // Behind nginx the peer is nginx: trust its X-Forwarded-For for client
  // addresses (limits, logs). nginx passes the browser's Host through, so the
  // nodes' loopback Host check needs no PARLOR_ALLOWED_HOSTS.
  const trustNginx = backendHost.startsWith("127.") || backendHost === "::1" ? "loopback" : `loopback,${backendHost}`;
  const shared: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: host,
    PARLOR_REDIS_URL: redisUrl,
    PARLOR_DB: process.env.PARLOR_DB ?? path.join(ROOT, "data", "cluster.db"),
    ...(nginx ? { PARLOR_TRUST_PROXY: process.env.PARLOR_TRUST_PROXY ?? trustNginx } : {}),
  };
  PORTS.forEach((port, i) =>
    start(`node-${i + 1}`, process.execPath, ["--import", "tsx", path.join(ROOT, "server", "index.ts")], {
      ...shared,
      PORT: String(port),
      PARLOR_NODE_ID: `node-${i + 1}`,
    }),
  );
  await Promise.all(PORTS.map((port) => waitFor(`node on ${port}`, async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok)));
  if (nginx) await startNginx(nginx, backendHost);

  const shown = host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  const nodeLines = `  node 1  http://${shown}:${PORTS[0]}/?name=Ann&room=lobby   (pid ${pidOf("node-1")})
  node 2  http://${shown}:${PORTS[1]}/?name=Ben&room=lobby   (pid ${pidOf("node-2")})`;
  const store = process.env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `SQLite ${shared.PARLOR_DB}`;
  if (nginx) {
    console.log(`
Parlor cluster is up: nginx in front of two nodes, Redis at ${redisUrl}, ${store}.

  http://${shown}:${LB_PORT}/?name=Ann&room=lobby   (nginx, pid ${pidOf("nginx")}; sticky per browser)

${nodeLines}

Open the nginx link in a normal window and in a private window (each window
keeps its own session and its own affinity cookie, so the two may land on
different nodes: /system's system:state names the node). Messages, typing,
presence and DMs cross nodes. Stop a node (kill -TERM <pid>): its pages get
system:shutdown and reconnect through nginx to the other node.
nginx logs (JSON, with the node of every request): ${nginxDir?.accessLog}
Ctrl-C stops everything.
`);
    return;
  }
  console.log(`
Parlor cluster is up: two nodes, Redis at ${redisUrl}, ${store}.

${nodeLines}

Open one link in a normal window and the other in a private window (each
window keeps its own session): messages, typing, presence and DMs cross nodes.
Metrics: /metrics on each node. Stop a node (kill -TERM <pid>) to watch its
page get system:shutdown and its members leave on the other node. A page only
reconnects to its own port${nginxWanted === "no" ? "" : " (install nginx for a load balancer in front: apt-get install nginx)"}.
Ctrl-C stops everything.
`);
}

// If the launcher dies some other way, take the children with it.
// Each child leads its own process group: killing the group takes nginx's workers too.
process.on("exit", () => {
  for (const { child } of children) {
    if (!running(child) || child.pid === undefined) continue;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      child.kill("SIGKILL");
    }
  }
  nginxDir?.cleanup();
});
process.on("SIGINT", () => void stopAll().then(() => process.exit(0)));
process.on("SIGTERM", () => void stopAll().then(() => process.exit(0)));
main().catch(async (err) => {
  console.error(err instanceof Error ? err.message : err);
  await stopAll();
  process.exit(1);
});
