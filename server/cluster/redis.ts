/**
 * The Redis side of a cluster node: one command client (presence scripts,
 * shared rate limits, adapter publishes) and one subscriber connection (a
 * client in subscribe mode can run nothing else), and the Socket.IO Redis
 * adapter built on them.
 *
 * The classic pub/sub adapter (`@socket.io/redis-adapter`) rather than the
 * streams adapter: Parlor's delivery guarantee is the store (`sinceSeq`),
 * which survives a node dying, whereas the streams adapter's connection
 * state recovery only covers sessions a live node persisted at disconnect.
 */
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import type { Logger } from "../logger";

export type RedisClient = ReturnType<typeof createClient>;

export interface RedisConnections {
  /** Commands: presence, rate limits, adapter publishes. */
  client: RedisClient;
  /** Subscriber for the adapter (subscribe mode). */
  subscriber: RedisClient;
  /** `io.adapter(...)` argument: the Socket.IO Redis adapter on these connections. */
  adapter: ReturnType<typeof createAdapter>;
  /** Closes both connections after their pending commands. Idempotent. */
  close(): Promise<void>;
}

/** How long start-up waits for Redis before giving up (a node without its bus must not serve). */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Connects to `url` and builds the adapter. Reconnects with backoff if the
 * connection drops later; errors are logged at most once per second.
 *
 * @example
 * const redis = await connectRedis("redis://127.0.0.1:6379", log);
 * io.adapter(redis.adapter);
 */
export async function connectRedis(url: string, log: Logger): Promise<RedisConnections> {
  const client = createClient({
    url,
    socket: { connectTimeout: 5000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2000) },
  });
  const subscriber = client.duplicate();
  let lastErrorLog = 0;
  const onError = (role: string) => (err: unknown) => {
    if (Date.now() - lastErrorLog < 1000) return;
    lastErrorLog = Date.now();
    log.warn({ err, role }, "redis connection error");
  };
  client.on("error", onError("client"));
  subscriber.on("error", onError("subscriber"));

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await Promise.allSettled([client, subscriber].map((c) => (c.isOpen ? c.close() : Promise.resolve())));
  };

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`could not connect to Redis at ${url} within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.all([client.connect(), subscriber.connect()]), timeout]);
  } catch (err) {
    [client, subscriber].forEach((c) => c.destroy());
    throw err;
  } finally {
    clearTimeout(timer);
  }

  return {
    client,
    subscriber,
    // Responses to fetchSockets()/serverSideEmit go to the asking node only, not to every node.
    adapter: createAdapter(client, subscriber, { key: "parlor", publishOnSpecificResponseChannel: true }),
    close,
  };
}

/**
 * Runs a Lua script by SHA, loading it on NOSCRIPT (Redis restarted or the
 * script cache was flushed), so the script text crosses the wire once.
 */
export function luaScript(source: string) {
  let sha: string | undefined;
  return async (client: RedisClient, keys: string[], args: string[]): Promise<unknown> => {
    sha ??= await client.scriptLoad(source);
    try {
      return await client.evalSha(sha, { keys, arguments: args });
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      sha = await client.scriptLoad(source);
      return client.evalSha(sha, { keys, arguments: args });
    }
  };
}
