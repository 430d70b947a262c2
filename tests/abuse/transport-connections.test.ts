/**
 * Connection caps: per client address (with a token or without) and per
 * process, refused at the handshake with an HTTP answer and a reason, never
 * a reset. Behind a proxy (PARLOR_TRUST_PROXY) the address is the one in
 * X-Forwarded-For, for handshakes and HTTP alike; without it the header is
 * ignored, so a client cannot pick a fresh address per connection.
 */
import { io as connect, type Socket } from "socket.io-client";
import { createSession, setup, type TestServer } from "../helpers";
import { rawWebSocket, requestWithHost } from "./support/transport-raw";

const POLLING = "/socket.io/?EIO=4&transport=polling";
const opened: Socket[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

/** Connects to `nsp` over WebSocket, as the address `forwardedFor` claims to be when set; resolves with the socket or the connect_error. */
function attempt(t: TestServer, nsp: string, options: { token?: string; forwardedFor?: string } = {}): Promise<Socket | Error> {
  const socket = connect(`${t.url}${nsp}`, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    auth: options.token ? { token: options.token } : {},
    extraHeaders: options.forwardedFor ? { "x-forwarded-for": options.forwardedFor } : {},
  });
  opened.push(socket);
  return new Promise((resolve) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => resolve(err));
  });
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe("per address", () => {
  let t: TestServer;
  beforeAll(async () => (t = await setup({ maxConnectionsPerAddress: 3 })));
  afterAll(() => t.cleanup());

  test("with and without a token: the connection over the cap is refused with 429 and a reason; closing one frees a place", async () => {
    const { token } = await createSession(t.url, "Capped");
    const first = [await attempt(t, "/system"), await attempt(t, "/chat", { token }), await attempt(t, "/system")];
    for (const s of first) expect(s).not.toBeInstanceOf(Error);

    const refused = await attempt(t, "/chat", { token });
    expect(refused).toBeInstanceOf(Error);
    expect(String((refused as Error & { description?: { message?: string } }).description?.message ?? refused)).toMatch(/429/);

    const polling = await requestWithHost(`${t.url}${POLLING}`, undefined);
    expect(polling.status).toBe(429);
    expect(polling.headers["retry-after"]).toBe("5");
    expect(JSON.parse(polling.body)).toEqual({
      error: {
        code: "RATE_LIMITED",
        message: expect.any(String),
        details: { reason: "connections-per-address", limit: 3, retryAfterMs: 5000 },
      },
    });
    const ws = await rawWebSocket(t.url);
    expect(ws.head).toMatch(/^HTTP\/1\.1 429 /);
    ws.close();
    expect(t.parlor.io.engine.clientsCount).toBe(3);

    (first[0] as Socket).close();
    await until(() => t.parlor.io.engine.clientsCount === 2);
    expect(await attempt(t, "/system")).not.toBeInstanceOf(Error);
  });

  test("without PARLOR_TRUST_PROXY, X-Forwarded-For is ignored: every connection counts against the peer address", async () => {
    await until(() => t.parlor.io.engine.clientsCount === 0);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await attempt(t, "/system", { forwardedFor: `198.51.100.${i}` }));
    expect(results.filter((r) => r instanceof Error)).toHaveLength(1);
    const addresses = [...t.parlor.io.of("/system").sockets.values()].map((s) => s.handshake.address);
    expect(new Set(addresses)).toEqual(new Set(["127.0.0.1"]));
  });
});

test("with PARLOR_TRUST_PROXY=loopback the forwarded address is the client's: its own cap, in handshakes and in HTTP limits", async () => {
  const t = await setup({ maxConnectionsPerAddress: 2, trustProxy: "loopback", sessionRateLimit: { perMinute: 2 } });
  try {
    for (const who of ["203.0.113.1", "203.0.113.2"]) {
      for (let i = 0; i < 2; i++) expect(await attempt(t, "/system", { forwardedFor: who })).not.toBeInstanceOf(Error);
    }
    expect(await attempt(t, "/system", { forwardedFor: "203.0.113.1" })).toBeInstanceOf(Error);
    const addresses = [...t.parlor.io.of("/system").sockets.values()].map((s) => s.handshake.address).sort();
    expect(addresses).toEqual(["203.0.113.1", "203.0.113.1", "203.0.113.2", "203.0.113.2"]);

    // POST /api/session counts per forwarded address too (Express trust proxy).
    const post = (who: string) =>
      requestWithHost(`${t.url}/api/session`, undefined, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": who },
        body: JSON.stringify({ name: "P" }),
      });
    expect((await post("192.0.2.7")).status).toBe(201);
    expect((await post("192.0.2.7")).status).toBe(201);
    expect((await post("192.0.2.7")).status).toBe(429);
    expect((await post("192.0.2.8")).status).toBe(201);
  } finally {
    for (const s of opened.splice(0)) s.close();
    await t.cleanup();
  }
});

test("the process-wide cap refuses with 503 server-full whatever the address", async () => {
  const t = await setup({ maxConnections: 2, maxConnectionsPerAddress: 100 });
  try {
    expect(await attempt(t, "/system")).not.toBeInstanceOf(Error);
    expect(await attempt(t, "/system")).not.toBeInstanceOf(Error);
    expect(await attempt(t, "/system")).toBeInstanceOf(Error);
    const polling = await requestWithHost(`${t.url}${POLLING}`, undefined);
    expect(polling.status).toBe(503);
    expect(JSON.parse(polling.body)).toMatchObject({ error: { code: "RATE_LIMITED", details: { reason: "server-full", limit: 2 } } });
  } finally {
    for (const s of opened.splice(0)) s.close();
    await t.cleanup();
  }
});
