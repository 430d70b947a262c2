/**
 * Test support: a real Parlor on an ephemeral port with a temp SQLite file,
 * real socket.io-client sockets, and small helpers that read like the protocol.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { io as connect, type Socket } from "socket.io-client";
import { createParlor, type Parlor } from "../server/app";
import { defaultConfig, type Config } from "../server/config";
import type {
  Ack,
  ChatClientToServerEvents,
  ChatServerToClientEvents,
  GameClientToServerEvents,
  GameServerToClientEvents,
  SystemClientToServerEvents,
  SystemServerToClientEvents,
  User,
} from "../server/protocol";

export type ChatSocket = Socket<ChatServerToClientEvents, ChatClientToServerEvents>;
export type SystemSocket = Socket<SystemServerToClientEvents, SystemClientToServerEvents>;
export type GameSocket = Socket<GameServerToClientEvents, GameClientToServerEvents>;

export interface Session {
  token: string;
  user: User;
  expiresAt: number;
}

export function tempDir(prefix = "parlor-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return defaultConfig({
    dbPath: path.join(tempDir(), "parlor.db"),
    secret: "test-secret-test-secret-test-secret",
    logLevel: "silent",
    port: 0,
    nodeId: "test-node",
    ...overrides,
  });
}

/**
 * Config overrides for tests that send faster than a user may (ordering, paging,
 * load): the per-user event limit of PROTOCOL.md (20/s, burst 40) out of the way.
 */
export const UNLIMITED_EVENTS: Partial<Config> = {
  rateLimit: { perSecond: 100_000, burst: 100_000 },
  // The cheap budgets too: `/system` events per connection and address, `game:input` per connection.
  limits: {
    ...defaultConfig().limits,
    system: { perConnection: { perSecond: 100_000, burst: 100_000 }, perAddress: { perSecond: 100_000, burst: 100_000 } },
    gameInput: { perSecond: 100_000, burst: 100_000 },
  },
};

export async function createSession(url: string, name: string): Promise<Session> {
  const res = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  if (res.status !== 201) throw new Error(`session failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Session;
}

/** Resolves with the first `event` the socket receives (rejects after `timeoutMs`). */
export function waitFor<T = any>(socket: Socket<any, any>, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const onEvent = (arg: T) => {
      clearTimeout(timer);
      resolve(arg);
    };
    const timer = setTimeout(() => {
      socket.off(event, onEvent);
      reject(new Error(`timed out waiting for "${event}"`));
    }, timeoutMs);
    socket.once(event, onEvent);
  });
}

/** Resolves true if `event` arrives within `ms`, false otherwise. */
export async function receives(socket: Socket<any, any>, event: string, ms = 300): Promise<boolean> {
  return waitFor(socket, event, ms).then(
    () => true,
    () => false,
  );
}

/** Emits with an ack and resolves with the ack (typed loosely: tests also send bad payloads). */
export function emitAck<T = any>(socket: Socket<any, any>, event: string, ...args: unknown[]): Promise<Ack<T>> {
  return socket.timeout(5000).emitWithAck(event, ...args) as Promise<Ack<T>>;
}

/** Unwraps an ok ack's data, failing the test with the error otherwise. */
export function okData<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`expected ok ack, got ${JSON.stringify(ack.error)}`);
  return ack.data;
}

export interface TestServer {
  parlor: Parlor;
  url: string;
  config: Config;
  /** A new user (session + connected `/chat` socket). */
  connectUser(name: string): Promise<{ socket: ChatSocket; session: Session }>;
  /** Another `/chat` socket (tab) for an existing session. */
  connectChat(token: string | undefined, opts?: Record<string, unknown>): Promise<ChatSocket>;
  connectSystem(): Promise<SystemSocket>;
  /** A `/game` socket (another tab, or a reconnect) for an existing session. */
  connectGame(token: string | undefined, opts?: Record<string, unknown>): Promise<GameSocket>;
  /** A new user (session + connected `/game` socket). */
  connectPlayer(name: string): Promise<{ socket: GameSocket; session: Session }>;
  /** Closes every socket this helper opened and the server. */
  cleanup(): Promise<void>;
}

export function openSocket<S extends Socket<any, any>>(url: string, opts: Record<string, unknown>): Promise<S> {
  const socket = connect(url, { transports: ["websocket"], reconnection: false, forceNew: true, ...opts }) as S;
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => {
      socket.close();
      reject(err);
    });
  });
}

export async function setup(overrides: Partial<Config> = {}): Promise<TestServer> {
  const config = testConfig(overrides);
  const parlor = await createParlor(config);
  const port = await parlor.listen(0, "127.0.0.1");
  const url = `http://127.0.0.1:${port}`;
  const sockets: Socket[] = [];
  const track = <S extends Socket<any, any>>(s: S) => (sockets.push(s as Socket), s);

  const connectChat = async (token: string | undefined, opts: Record<string, unknown> = {}) =>
    track(await openSocket<ChatSocket>(`${url}/chat`, { auth: token === undefined ? {} : { token }, ...opts }));

  return {
    parlor,
    url,
    config,
    connectChat,
    async connectUser(name) {
      const session = await createSession(url, name);
      return { socket: await connectChat(session.token), session };
    },
    async connectSystem() {
      return track(await openSocket<SystemSocket>(`${url}/system`, {}));
    },
    async connectGame(token, opts = {}) {
      return track(await openSocket<GameSocket>(`${url}/game`, { auth: token === undefined ? {} : { token }, ...opts }));
    },
    async connectPlayer(name) {
      const session = await createSession(url, name);
      return { socket: track(await openSocket<GameSocket>(`${url}/game`, { auth: { token: session.token } })), session };
    },
    async cleanup() {
      for (const s of sockets) s.close();
      await parlor.close();
    },
  };
}
