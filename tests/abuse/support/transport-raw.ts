/**
 * Raw clients for the transport tests: a WebSocket spoken by hand over a
 * `net` socket (so a test controls exactly what is read and when, and can
 * stop reading altogether like a stuck or hostile client), and a plain HTTP
 * request with exactly the Host header given.
 */
import crypto from "node:crypto";
import http from "node:http";
import net from "node:net";

export interface RawWebSocket {
  socket: net.Socket;
  /** The HTTP status line and headers of the upgrade answer. */
  head: string;
  /** Sends one masked text frame (Engine.IO/Socket.IO packet text). */
  send(text: string): void;
  /** Resolves once `needle` has appeared in what was read so far. */
  waitForText(needle: string, timeoutMs?: number): Promise<void>;
  /** Stops reading: the server's writes pile up in the kernel, then in the server. */
  stopReading(): void;
  /** Reads again; resolves when the server has closed the connection (rejects after `timeoutMs`). */
  resumeUntilClosed(timeoutMs: number): Promise<void>;
  close(): void;
}

function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  const mask = crypto.randomBytes(4);
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([0x81, 0x80 | len])
      : len < 65536
        ? Buffer.from([0x81, 0x80 | 126, len >> 8, len & 255])
        : Buffer.concat([
            Buffer.from([0x81, 0x80 | 127]),
            Buffer.from([0, 0, 0, 0, len >>> 24, (len >> 16) & 255, (len >> 8) & 255, len & 255]),
          ]);
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([head, mask, body]);
}

/**
 * Opens `ws://host:port/socket.io/?EIO=4&transport=websocket` by hand.
 * Resolves after the upgrade answer, whatever its status (check `head`).
 *
 * @example
 * const ws = await rawWebSocket(t.url, { host: "evil.example" });
 * expect(ws.head).toMatch(/^HTTP\/1.1 421/);
 */
export function rawWebSocket(baseUrl: string, options: { host?: string; headers?: Record<string, string> } = {}): Promise<RawWebSocket> {
  const { hostname, port } = new URL(baseUrl);
  const socket = net.connect(Number(port), hostname);
  let text = "";
  const waiters = new Set<() => void>();
  socket.on("data", (chunk: Buffer) => {
    text += chunk.toString("latin1");
    // Only the recent tail matters for needles; a long-lived reader must not grow without bound.
    if (text.length > 1 << 20) text = text.slice(-4096);
    for (const w of waiters) w();
  });
  socket.on("error", () => {});
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const waitForText = (needle: string, timeoutMs = 5000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!text.includes(needle)) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`raw websocket: "${needle}" not received; got ${JSON.stringify(text.slice(-300))}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  const lines = [
    `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1`,
    `Host: ${options.host ?? `${hostname}:${port}`}`,
    "Connection: Upgrade",
    "Upgrade: websocket",
    "Sec-WebSocket-Version: 13",
    `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString("base64")}`,
    ...Object.entries(options.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.write(`${lines.join("\r\n")}\r\n\r\n`);
  const ws: Omit<RawWebSocket, "head"> = {
    socket,
    send: (t) => void socket.write(maskedTextFrame(t)),
    waitForText,
    stopReading: () => void socket.pause(),
    resumeUntilClosed(timeoutMs) {
      socket.resume();
      let timer: NodeJS.Timeout | undefined;
      return Promise.race([
        closed,
        new Promise<void>((_, reject) => (timer = setTimeout(() => reject(new Error("raw websocket: still open")), timeoutMs))),
      ]).finally(() => clearTimeout(timer));
    },
    close: () => void socket.destroy(),
  };
  return Promise.race([waitForText("\r\n\r\n"), closed]).then(() => ({ ...ws, head: text.slice(0, text.indexOf("\r\n\r\n") + 4) || text }));
}

/**
 * A `/chat` member by hand: raw WebSocket, token handshake, `room:join`,
 * then whatever the test does with the socket.
 */
export async function rawChatMember(baseUrl: string, token: string, room: string): Promise<RawWebSocket> {
  const ws = await rawWebSocket(baseUrl);
  await ws.waitForText('0{"sid"');
  ws.send(`40/chat,${JSON.stringify({ token })}`);
  await ws.waitForText('40/chat,{"sid"');
  ws.send(`42/chat,1${JSON.stringify(["room:join", { room }])}`);
  await ws.waitForText("43/chat,1[");
  return ws;
}

export interface PlainResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with exactly the headers given, Host included. */
export function requestWithHost(
  url: string,
  host: string | undefined,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? "GET",
        headers: { ...(host === undefined ? {} : { host }), ...options.headers },
        agent: false,
        setHost: host === undefined,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}
