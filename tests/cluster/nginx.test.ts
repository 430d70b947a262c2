/**
 * A real nginx (client/nginx.ts, as `npm run cluster` runs it) in front of two
 * real node processes and a real redis-server: a long-polling-only client and
 * a WebSocket client, pinned by their affinity cookie to different nodes,
 * chat through one URL; every request of the polling session reaches the node
 * that made it; without a cookie a client sticks by its address; the Host a
 * client sends reaches the node unchanged.
 */
import http from "node:http";
import path from "node:path";
import { Manager, type ManagerOptions } from "socket.io-client";
import { AFFINITY_COOKIE } from "../../client/nginx";
import type { Message } from "../../server/protocol";
import { createSession, emitAck, okData, openSocket, tempDir, waitFor, type ChatSocket, type SystemSocket } from "../helpers";
import { waitForMatch } from "./support/clients";
import { startNginx, type AccessEntry, type NginxServer } from "./support/nginx";
import { spawnNode, type NodeProcess } from "./support/nodes";
import { waitUntil } from "./support/processes";
import { startRedis, type RedisServer } from "./support/redis";

let redis: RedisServer;
let nodes: NodeProcess[] = [];
let lb: NginxServer;
const managers: Manager[] = [];

beforeAll(async () => {
  redis = await startRedis();
  const env = { PARLOR_REDIS_URL: redis.url, PARLOR_DB: path.join(tempDir("parlor-lb-"), "parlor.db"), PARLOR_TRUST_PROXY: "loopback" };
  nodes = await Promise.all([spawnNode("node-a", env), spawnNode("node-b", env)]);
  lb = await startNginx(nodes.map((n) => new URL(n.url).host));
}, 60_000);

afterAll(async () => {
  for (const m of managers) m.engine?.close();
  await lb?.stop();
  await Promise.all(nodes.map((n) => n.stop("SIGKILL")));
  await redis?.stop();
});

/** One Engine.IO connection through nginx (its namespaces share it), optionally carrying an affinity cookie. */
function connection(opts: Partial<ManagerOptions> & { affinity?: string }): Manager {
  const { affinity, ...rest } = opts;
  const manager = new Manager(lb.url, {
    reconnection: false,
    ...(affinity === undefined ? {} : { extraHeaders: { cookie: `${AFFINITY_COOKIE}=${affinity}` } }),
    ...rest,
  });
  managers.push(manager);
  return manager;
}

function open<S extends ChatSocket | SystemSocket>(manager: Manager, nsp: string, auth: Record<string, unknown> = {}): Promise<S> {
  const socket = manager.socket(nsp, { auth });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket as unknown as S));
    socket.once("connect_error", reject);
  });
}

/** The node id that answers `/system` on this connection. */
async function nodeOf(manager: Manager): Promise<string> {
  const system = await open<SystemSocket>(manager, "/system");
  const { node } = okData(await emitAck(system, "system:state"));
  system.disconnect();
  return node;
}

/** Affinity keys until one lands on each node: { "node-a": "k0", "node-b": "k3" }. */
async function keyPerNode(): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (let i = 0; Object.keys(found).length < nodes.length; i++) {
    if (i === 50) throw new Error(`50 affinity keys all landed on ${Object.keys(found)}`);
    const manager = connection({ transports: ["websocket"], affinity: `k${i}` });
    found[await nodeOf(manager)] ??= `k${i}`;
    manager.engine.close();
  }
  return found;
}

const hostOf = (nodeId: string) => new URL(nodes.find((n) => n.nodeId === nodeId)!.url).host;
const pollsOf = (key: string) => (e: AccessEntry) => e.affinity === key && e.uri.includes("transport=polling");

test("a polling client and a WebSocket client on different nodes chat through nginx; the polling session stays on its node", async () => {
  const keys = await keyPerNode();
  const [ann, ben] = await Promise.all([createSession(lb.url, "ann"), createSession(lb.url, "ben")]);

  const polling = connection({ transports: ["polling"], affinity: keys["node-a"] });
  const annChat = await open<ChatSocket>(polling, "/chat", { token: ann.token });
  expect(await nodeOf(polling)).toBe("node-a");
  const websocket = connection({ transports: ["websocket"], affinity: keys["node-b"] });
  const benChat = await open<ChatSocket>(websocket, "/chat", { token: ben.token });
  expect(await nodeOf(websocket)).toBe("node-b");
  expect(polling.engine.transport.name).toBe("polling");
  expect(websocket.engine.transport.name).toBe("websocket");

  okData(await emitAck(annChat, "room:join", { room: "lb" }));
  await Promise.all([waitFor(annChat, "room:member-joined"), emitAck(benChat, "room:join", { room: "lb" })]);
  // Both ways, a few times, so the polling session makes many requests (each reply ends a long-poll).
  for (let n = 0; n < 4; n++) {
    const [got, sent] = await Promise.all([
      waitForMatch<Message>(benChat, "message:new", (m) => m.text === `ann ${n}`),
      emitAck(annChat, "message:send", { room: "lb", text: `ann ${n}` }),
    ]);
    expect(got).toEqual(okData(sent).message);
    const [back] = await Promise.all([
      waitForMatch<Message>(annChat, "message:new", (m) => m.text === `ben ${n}`),
      emitAck(benChat, "message:send", { room: "lb", text: `ben ${n}` }),
    ]);
    expect(back.user.name).toBe("ben");
  }
  polling.engine.close();
  websocket.engine.close();

  // The WebSocket is logged when it closes: wait for it, then read the whole log.
  await waitUntil(
    "the WebSocket's access log line",
    async () => lb.accessLog().some((e) => e.affinity === keys["node-b"] && e.status === 101),
    5000,
  );
  const log = lb.accessLog();
  const polls = log.filter(pollsOf(keys["node-a"]));
  expect(polls.length).toBeGreaterThanOrEqual(10);
  // One handshake, then every request of that session on node a, none refused ("Session ID unknown" is a 400).
  expect(polls.filter((e) => !e.uri.includes("sid=")).length).toBe(1);
  expect(new Set(polls.map((e) => e.node))).toEqual(new Set([hostOf("node-a")]));
  expect(polls.filter((e) => e.status !== 200)).toEqual([]);
  const upgrades = log.filter((e) => e.affinity === keys["node-b"] && e.uri.includes("transport=websocket") && e.status === 101);
  expect(upgrades.map((e) => e.node)).toContain(hostOf("node-b"));
});

test("without the cookie a polling client sticks by its address; pages set the cookie, /socket.io/ never does", async () => {
  const page = await fetch(`${lb.url}/healthz`);
  expect(page.headers.get("set-cookie")).toMatch(new RegExp(`^${AFFINITY_COOKIE}=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Lax$`));
  const withCookie = await fetch(`${lb.url}/healthz`, { headers: { cookie: `${AFFINITY_COOKIE}=mine` } });
  expect(withCookie.headers.get("set-cookie")).toBeNull();
  const handshake = await fetch(`${lb.url}/socket.io/?EIO=4&transport=polling`);
  expect(handshake.status).toBe(200);
  expect(handshake.headers.get("set-cookie")).toBeNull();

  const manager = connection({ transports: ["polling"] });
  const system = await open<SystemSocket>(manager, "/system");
  for (let n = 0; n < 5; n++) okData(await emitAck(system, "system:state"));
  const sid = manager.engine.id;
  manager.engine.close();
  const polls = lb.accessLog().filter((e) => e.uri.includes(`sid=${sid}`));
  expect(polls.length).toBeGreaterThanOrEqual(5);
  expect(polls.every((e) => e.affinity === "127.0.0.1" && e.status === 200)).toBe(true);
  expect(new Set(polls.map((e) => e.node)).size).toBe(1);
});

test("nginx passes the client's Host through: the node's loopback Host check sees it", async () => {
  const status = (host: string) =>
    new Promise<number>((resolve, reject) => {
      const url = new URL(`${lb.url}/healthz`);
      http
        .get(
          { host: url.hostname, port: url.port, path: url.pathname, headers: { host } },
          (res) => (res.resume(), resolve(res.statusCode ?? 0)),
        )
        .once("error", reject);
    });
  expect(await status(`localhost:${new URL(lb.url).port}`)).toBe(200);
  expect(await status("evil.example")).toBe(421);
  // A WebSocket through nginx too (the helpers' default transport), for the same check on upgrades.
  const ws = await openSocket<SystemSocket>(`${lb.url}/system`, {});
  ws.close();
  await expect(openSocket<SystemSocket>(`${lb.url}/system`, { extraHeaders: { host: "evil.example" } })).rejects.toThrow();
});
