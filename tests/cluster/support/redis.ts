/** A throwaway redis-server (from PATH) on a free port, no persistence. */
import net from "node:net";
import { findBinary, freePort, spawnLogged, waitUntil } from "./processes";

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Resolves once redis answers PING. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.setTimeout(1000);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (d) => {
      socket.destroy();
      resolve(d.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * @example
 * const redis = await startRedis();
 * const parlor = await createParlor(testConfig({ redisUrl: redis.url }));
 * await redis.stop();
 */
export async function startRedis(): Promise<RedisServer> {
  const bin = findBinary("redis-server");
  const port = await freePort();
  const proc = spawnLogged(bin, [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--loglevel",
    "warning",
  ]);
  try {
    await waitUntil("redis-server", () => ping(port), 10_000, proc.output);
  } catch (err) {
    await proc.stop("SIGKILL");
    throw err;
  }
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => proc.stop("SIGTERM", 3000) };
}
