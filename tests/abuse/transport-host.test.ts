/**
 * DNS rebinding: a page on evil.example that resolves its name to 127.0.0.1
 * reaches a Parlor bound to loopback with `Host: evil.example`. Every such
 * request is refused with 421 — routes, the session API, Engine.IO polling
 * and WebSocket upgrades — while loopback names and PARLOR_ALLOWED_HOSTS
 * pass, and a Parlor bound to a public address accepts any Host.
 */
import { setup, type TestServer } from "../helpers";
import { rawWebSocket, requestWithHost } from "./support/transport-raw";

const POLLING = "/socket.io/?EIO=4&transport=polling";

describe("bound to 127.0.0.1", () => {
  let t: TestServer;
  let port: string;
  beforeAll(async () => {
    t = await setup({ host: "127.0.0.1", allowedHosts: ["parlor.test"] });
    port = new URL(t.url).port;
  });
  afterAll(() => t.cleanup());

  test.each([
    ["GET", "/"],
    ["GET", "/healthz"],
    ["POST", "/api/session"],
    ["GET", POLLING],
    ["GET", "/socket.io/socket.io.js"],
  ])("%s %s with Host evil.example is refused with 421", async (method, path) => {
    const res = await requestWithHost(`${t.url}${path}`, `evil.example:${port}`, {
      method,
      headers: { "content-type": "application/json" },
      body: method === "POST" ? JSON.stringify({ name: "Mallory" }) : undefined,
    });
    expect(res.status).toBe(421);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: "FORBIDDEN", details: { reason: "host-not-allowed" } } });
    // Refusals carry the security headers like everything else.
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
  });

  test("a WebSocket upgrade with Host evil.example is refused with 421, before any session", async () => {
    const ws = await rawWebSocket(t.url, { host: "evil.example" });
    expect(ws.head).toMatch(/^HTTP\/1\.1 421 /);
    ws.close();
    expect(t.parlor.io.engine.clientsCount).toBe(0);
  });

  test.each(["localhost", "127.0.0.1", "[::1]", "LocalHost", "app.localhost", "parlor.test"])(
    "Host %s (with a port) is served",
    async (name) => {
      const host = `${name}:${port}`;
      expect((await requestWithHost(`${t.url}/healthz`, host)).status).toBe(200);
      const polling = await requestWithHost(`${t.url}${POLLING}`, host);
      expect(polling.status).toBe(200);
      expect(polling.body).toMatch(/^0\{"sid"/);
      const ws = await rawWebSocket(t.url, { host });
      expect(ws.head).toMatch(/^HTTP\/1\.1 101 /);
      ws.close();
    },
  );

  test.each(["localhost.evil.example", "127.0.0.1.nip.io", "evil.example#@localhost", ""])("Host %j is refused", async (host) => {
    expect((await requestWithHost(`${t.url}/healthz`, host)).status).toBe(421);
  });
});

test("bound to a public address, any Host is served (nothing local to protect)", async () => {
  const t = await setup({ host: "0.0.0.0" });
  try {
    const res = await requestWithHost(`${t.url}/healthz`, "parlor.example.com");
    expect(res.status).toBe(200);
    const ws = await rawWebSocket(t.url, { host: "parlor.example.com" });
    expect(ws.head).toMatch(/^HTTP\/1\.1 101 /);
    ws.close();
  } finally {
    await t.cleanup();
  }
});
