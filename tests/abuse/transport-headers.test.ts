/** helmet's headers on Engine.IO's responses too: polling, its errors, the served client and the WebSocket 101. */
import { setup, type TestServer } from "../helpers";
import { rawWebSocket, requestWithHost } from "./support/transport-raw";

let t: TestServer;
beforeAll(async () => (t = await setup()));
afterAll(() => t.cleanup());

const expectHelmet = (headers: Record<string, string | string[] | undefined>) => {
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["content-security-policy"]).toContain("default-src 'self'");
  expect(headers["cross-origin-opener-policy"]).toBe("same-origin");
};

test.each([
  ["a polling handshake", "/socket.io/?EIO=4&transport=polling", 200],
  ["an unknown session id", "/socket.io/?EIO=4&transport=polling&sid=nope", 400],
  ["a bad protocol version", "/socket.io/?EIO=1&transport=polling", 400],
  ["the served client", "/socket.io/socket.io.min.js", 200],
])("%s answers with helmet's headers", async (_label, path, status) => {
  const res = await requestWithHost(`${t.url}${path}`, undefined);
  expect(res.status).toBe(status);
  expectHelmet(res.headers);
});

test("the WebSocket upgrade answer (101) carries them too", async () => {
  const ws = await rawWebSocket(t.url);
  expect(ws.head).toMatch(/^HTTP\/1\.1 101 /);
  const headers = Object.fromEntries(
    ws.head
      .split("\r\n")
      .slice(1)
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
  );
  expectHelmet(headers);
  ws.close();
});
