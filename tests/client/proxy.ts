/**
 * A TCP proxy in front of a test server that can fail like a network does:
 * swallow the server's answers, cut every connection, refuse new ones.
 * Lets the SDK's retry and rejoin logic meet real lost acks and real drops.
 */
import net from "node:net";
import type { AddressInfo } from "node:net";

export interface FaultyProxy {
  url: string;
  /** Drops everything the server sends from now on (until `cut`). */
  dropDownstream(): void;
  /** Destroys every open connection (clients see a transport close). */
  cut(): void;
  /** Cuts and refuses new connections until `unblock`. */
  block(): void;
  unblock(): void;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<FaultyProxy> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  let dropping = false;
  let blocked = false;

  const server = net.createServer((client) => {
    if (blocked) return void client.destroy();
    const upstream = net.connect(targetPort, "127.0.0.1");
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    client.on("data", (chunk) => upstream.write(chunk));
    upstream.on("data", (chunk) => {
      if (!dropping) client.write(chunk);
    });
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const cut = () => {
    dropping = false;
    for (const [a, b] of [...pairs]) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropDownstream: () => void (dropping = true),
    cut,
    block() {
      blocked = true;
      cut();
    },
    unblock: () => void (blocked = false),
    close() {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
