/**
 * Helpers for the attack tests: raw HTTP requests with headers a browser
 * would set (Origin), a raw WebSocket upgrade, and a counter of the ack
 * packets a namespace receives.
 */
import http from "node:http";
import net from "node:net";
import type { Socket } from "socket.io-client";

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with exactly the headers given (Node's fetch may add or drop some). */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? "GET", headers: options.headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** A raw engine.io WebSocket upgrade handshake; resolves with the first bytes the server answers. */
export function rawUpgrade(baseUrl: string, path: string, headers: Record<string, string>): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      answer += chunk;
      // The status line and headers are enough for a refused or accepted upgrade.
      if (answer.includes("\r\n\r\n")) socket.destroy();
    });
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
    const lines = [
      `GET ${path} HTTP/1.1`,
      `Host: ${hostname}:${port}`,
      "Connection: Upgrade",
      "Upgrade: websocket",
      "Sec-WebSocket-Version: 13",
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.write(`${lines.join("\r\n")}\r\n\r\n`);
  });
}

/**
 * Counts the ack packets the server sends to one namespace, by ack id, as
 * they come off the wire. socket.io-client calls a callback once and drops a
 * second answer silently, so "exactly one answer per emit" is proved here:
 * as many ack packets as emits with a callback, each id once.
 */
export function countAckPackets(socket: Socket, nsp: string): { counts: Map<number, number>; total(): number; stop(): void } {
  const counts = new Map<number, number>();
  const onPacket = (packet: { type: number; nsp: string; id?: number }) => {
    // 3 = ACK, 6 = BINARY_ACK (socket.io-parser PacketType)
    if ((packet.type === 3 || packet.type === 6) && packet.nsp === nsp && packet.id !== undefined) {
      counts.set(packet.id, (counts.get(packet.id) ?? 0) + 1);
    }
  };
  socket.io.on("packet", onPacket);
  return {
    counts,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    stop: () => void socket.io.off("packet", onPacket),
  };
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
