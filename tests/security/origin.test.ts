/**
 * Cross-site WebSocket hijacking: a page on another site must not get a
 * Socket.IO session or reach the API; the page's own origin, localhost,
 * configured origins and Origin-less scripts do.
 */
import { createOriginPolicy } from "../../server/security/origin";
import { emitAck, okData, openSocket, setup, type TestServer } from "../helpers";
import { rawRequest, rawUpgrade } from "./support";

const EVIL = "https://evil.example";
const FRIEND = "https://chat.friend.example";

let t: TestServer;
beforeAll(async () => (t = await setup({ allowedOrigins: [FRIEND] })));
afterAll(() => t.cleanup());

const handshake = (transport: "websocket" | "polling", origin: string | undefined, nsp = "/system") =>
  openSocket(`${t.url}${nsp}`, { transports: [transport], ...(origin === undefined ? {} : { extraHeaders: { origin } }) }).then(
    (socket) => {
      socket.close();
      return "connected";
    },
    (err: Error & { description?: unknown }) => err,
  );

describe.each(["websocket", "polling"] as const)("Socket.IO handshake over %s", (transport) => {
  test("from https://evil.example is refused", async () => {
    const result = await handshake(transport, EVIL);
    expect(result).toBeInstanceOf(Error);
    // socket.io-client reports a refused transport generically; the status is in `description`.
    const description = (result as { description?: unknown }).description;
    expect(String((description as Error)?.message ?? description)).toMatch(transport === "polling" ? /403/ : /400/);
  });

  test("from the page's own origin, localhost, a configured origin, or without Origin is accepted", async () => {
    const port = new URL(t.url).port;
    for (const origin of [t.url, `http://localhost:${port}`, "http://localhost:5173", FRIEND, undefined]) {
      expect(await handshake(transport, origin)).toBe("connected");
    }
  });
});

test("/chat with a valid token is refused from evil.example too: the refusal comes before any namespace", async () => {
  const { session } = await t.connectUser("Ada");
  const err = await openSocket(`${t.url}/chat`, { auth: { token: session.token }, extraHeaders: { origin: EVIL } }).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(err).toBeInstanceOf(Error);
  const ok = await t.connectChat(session.token, { extraHeaders: { origin: t.url } });
  expect(okData(await emitAck(ok, "room:list", {}))).toEqual({ rooms: expect.any(Array), hasMore: false });
});

test("the raw refusals name FORBIDDEN: polling 403 JSON, WebSocket upgrade 400", async () => {
  const polling = await rawRequest(`${t.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: EVIL } });
  expect(polling.status).toBe(403);
  expect(JSON.parse(polling.body)).toEqual({ code: 4, message: "FORBIDDEN" });
  expect(polling.headers["access-control-allow-origin"]).toBeUndefined();

  const upgrade = await rawUpgrade(t.url, "/socket.io/?EIO=4&transport=websocket", { Origin: EVIL });
  expect(upgrade).toMatch(/^HTTP\/1\.1 400 /);
  const accepted = await rawUpgrade(t.url, "/socket.io/?EIO=4&transport=websocket", { Origin: t.url });
  expect(accepted).toMatch(/^HTTP\/1\.1 101 /);
});

test("a configured cross origin gets CORS headers on polling; the own origin needs none", async () => {
  const friend = await rawRequest(`${t.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: FRIEND } });
  expect(friend.status).toBe(200);
  expect(friend.headers["access-control-allow-origin"]).toBe(FRIEND);
  const own = await rawRequest(`${t.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: t.url } });
  expect(own.status).toBe(200);
  expect(own.headers["access-control-allow-origin"]).toBeUndefined();
});

describe("HTTP API", () => {
  const postSession = (origin?: string) =>
    rawRequest(`${t.url}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(origin ? { origin } : {}) },
      body: JSON.stringify({ name: "Ada" }),
    });

  test("POST /api/session from evil.example is 403 FORBIDDEN, from the own origin or a script 201", async () => {
    const evil = await postSession(EVIL);
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body)).toEqual({ error: { code: "FORBIDDEN", message: expect.any(String) } });
    expect((await postSession(t.url)).status).toBe(201);
    expect((await postSession()).status).toBe(201);
  });

  test("a configured origin gets its CORS preflight answered and CORS headers; evil.example's preflight is refused", async () => {
    const preflight = (origin: string) =>
      rawRequest(`${t.url}/api/session`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });
    const ok = await preflight(FRIEND);
    expect(ok.status).toBe(204);
    expect(ok.headers["access-control-allow-origin"]).toBe(FRIEND);
    expect(ok.headers["access-control-allow-headers"]).toBe("content-type");
    expect((await postSession(FRIEND)).headers["access-control-allow-origin"]).toBe(FRIEND);
    expect((await preflight(EVIL)).status).toBe(403);
  });
});

describe("createOriginPolicy", () => {
  const policy = createOriginPolicy(["https://Chat.Friend.example:443/"]);
  test.each([
    [undefined, "parlor.example", true],
    ["https://parlor.example", "parlor.example", true],
    ["https://parlor.example", "parlor.example:443", true],
    ["http://parlor.example:8080", "parlor.example:8080", true],
    ["https://chat.friend.example", "parlor.example", true],
    ["http://localhost:3000", "parlor.example", true],
    ["http://127.0.0.1:9", "parlor.example", true],
    ["http://[::1]:3000", "parlor.example", true],
    ["https://evil.example", "parlor.example", false],
    ["https://parlor.example.evil.example", "parlor.example", false],
    ["http://127.0.0.1.evil.example", "parlor.example", false],
    ["https://parlor.example:8443", "parlor.example", false],
    ["null", "parlor.example", false],
    ["file://", "parlor.example", false],
    ["not a url", "parlor.example", false],
    ["https://evil.example", undefined, false],
  ])("Origin %s with Host %s: allowed %s", (origin, host, allowed) => {
    expect(policy.allows(origin, host)).toBe(allowed);
  });

  test("a configured entry that is not an origin fails at start", () => {
    expect(() => createOriginPolicy(["chat.friend.example"])).toThrow(/PARLOR_ALLOWED_ORIGINS/);
  });
});
