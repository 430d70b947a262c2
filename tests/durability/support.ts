/**
 * Helpers for the durability tests: a server with the rate limits out of the
 * way (these tests send hundreds of messages per second on purpose), message
 * collection per room, and dropping / restoring a client's connection.
 */
import type { Config } from "../../server/config";
import type { Message } from "../../server/protocol";
import { setup, type ChatSocket, type TestServer } from "../helpers";

/** Limits high enough that no test here is throttled. */
export const NO_LIMITS: Partial<Config> = { rateLimit: { perSecond: 1_000_000, burst: 1_000_000 } };

export function setupUnlimited(overrides: Partial<Config> = {}): Promise<TestServer> {
  return setup({ ...NO_LIMITS, ...overrides });
}

/** Records every `message:new` a socket receives, in arrival order. */
export function collectMessages(socket: ChatSocket): Message[] {
  const seen: Message[] = [];
  socket.on("message:new", (m) => seen.push(m));
  return seen;
}

/**
 * Closes the socket's transport under it, as a network drop would: the
 * server sees "transport close" (a reason connection state recovery covers),
 * unlike socket.disconnect(), which is a deliberate leave.
 */
export async function dropConnection(socket: ChatSocket): Promise<void> {
  const gone = new Promise<void>((resolve) => socket.once("disconnect", () => resolve()));
  socket.io.engine.close();
  await gone;
}

/** Reconnects a socket opened with `reconnection: false` (same Manager, so recovery can apply). */
export function reconnect(socket: ChatSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
    socket.connect();
  });
}

/** The seqs of `messages`, sorted, without duplicates. */
export const uniqueSeqs = (messages: { seq: number }[]) => [...new Set(messages.map((m) => m.seq))].sort((a, b) => a - b);

/** 1..n */
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Waits until `check()` is true, polling (for effects that have no event of their own). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
