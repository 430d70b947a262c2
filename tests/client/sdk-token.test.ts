/**
 * The SDK's getToken(): refreshing a live socket before expiry (auth:refresh) and
 * presenting a new token on the reconnect after auth:expired or UNAUTHORIZED.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { createIdentityVerifier } from "../../server/auth/identity";
import { createJwtVerifier } from "../../server/auth/jwt";
import { refreshAck, refreshIdentity } from "../../server/auth/refresh";
import { toAckError } from "../../server/errors";
import { createLogger } from "../../server/logger";
import { applyIdentity, enforceTokenExpiry, tokenAuth, type SocketData } from "../../server/realtime/auth";
import { HS_SECRET, mint } from "../auth/support";
import { setup, type TestServer } from "../helpers";
import { clientPool, nextEvent } from "./sdk-helpers";

const pool = clientPool();
afterEach(() => pool.closeAll());

/** Tokens of one user, `lifetime` seconds each, counted. */
function tokenSource(lifetimeSec: number, names: string[] = ["Ada"]) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    getToken: () => mint({ sub: "acct-1", name: names[Math.min(calls++, names.length - 1)] }, { expiresIn: lifetimeSec }),
  };
}

describe("against Parlor", () => {
  let t: TestServer;
  beforeAll(async () => (t = await setup({ identity: { guests: true, jwt: { secret: HS_SECRET } } })));
  afterAll(() => t.cleanup());

  test("connectParlor({ getToken }) connects as the JWT's user", async () => {
    const tokens = tokenSource(300);
    const parlor = await pool.connect({ url: t.url, getToken: tokens.getToken, transports: ["websocket"] });
    expect(parlor.user).toEqual({ id: "acct-1", name: "Ada" });
    expect(parlor.session.expiresAt).toBeGreaterThan(Date.now() + 290_000);
    expect(tokens.calls).toBe(1);
  });

  test("the client outlives several token lifetimes: refreshed, or reconnected with a new token after auth:expired", async () => {
    const tokens = tokenSource(2);
    const parlor = await pool.connect({ url: t.url, getToken: tokens.getToken, transports: ["websocket"], refreshAheadMs: 500 });
    await parlor.join("lobby");
    await new Promise((r) => setTimeout(r, 5000));
    if (!parlor.connected) await nextEvent(parlor, "reconnect");
    expect(tokens.calls).toBeGreaterThanOrEqual(3);
    expect(parlor.session.expiresAt).toBeGreaterThan(Date.now());
    await expect(parlor.send("lobby", "still here")).resolves.toMatchObject({ text: "still here" });
  }, 15_000);
});

/**
 * Parlor's own handshake and expiry with an `auth:refresh` listener made of
 * refreshIdentity + applyIdentity, until the event is in the contract.
 */
async function refreshServer() {
  const log = createLogger("silent", "sdk-token-test");
  const identities = createIdentityVerifier(undefined, await createJwtVerifier({ secret: HS_SECRET }));
  const httpServer = http.createServer();
  const io = new Server(httpServer);
  const chat = io.of("/chat");
  let refuseNext = 0;
  const auth = tokenAuth(identities, async () => undefined, log);
  chat.use((socket, next) =>
    refuseNext > 0
      ? (refuseNext--, next(Object.assign(new Error("UNAUTHORIZED"), { data: { code: "UNAUTHORIZED", message: "refused" } })))
      : auth(socket, next),
  );
  chat.on("connection", (socket) => {
    if (!enforceTokenExpiry(socket, log)) return;
    socket.on("auth:refresh", async (payload: { token: string }, ack: (res: unknown) => void) => {
      try {
        const identity = await refreshIdentity(payload, (socket.data as SocketData).user, { verifier: identities });
        applyIdentity(socket, identity, log);
        ack({ ok: true, data: refreshAck(identity) });
      } catch (err) {
        ack({ ok: false, error: toAckError(err) });
      }
    });
  });
  await new Promise<void>((r) => httpServer.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
    chat,
    refuseNextHandshake: () => void (refuseNext = 1),
    close: () => new Promise<void>((r) => io.close(() => r())),
  };
}

describe("with auth:refresh", () => {
  let server: Awaited<ReturnType<typeof refreshServer>>;
  beforeEach(async () => (server = await refreshServer()));
  afterEach(() => server.close());

  test("refreshes before expiry on the same socket: no disconnect, the new name and expiry take effect", async () => {
    const tokens = tokenSource(2, ["Ada", "Ada L", "Ada L"]);
    const parlor = await pool.connect({ url: server.url, getToken: tokens.getToken, transports: ["websocket"], refreshAheadMs: 800 });
    const socketId = parlor.socket.id;
    let disconnects = 0;
    parlor.on("disconnect", () => disconnects++);
    const first = parlor.session.expiresAt;
    const renewed = await nextEvent(parlor, "token");
    expect(renewed.expiresAt).toBeGreaterThanOrEqual(first);
    expect(parlor.user).toEqual({ id: "acct-1", name: "Ada L" });
    await new Promise((r) => setTimeout(r, 3000));
    expect(disconnects).toBe(0);
    expect(parlor.socket.id).toBe(socketId);
    const serverSide = server.chat.sockets.get(socketId!)!.data as SocketData;
    expect(serverSide.exp).toBeGreaterThan(Date.now());
    expect(serverSide.user.name).toBe("Ada L");
  }, 10_000);

  test("an UNAUTHORIZED refusal at a reconnect asks getToken() again and connects", async () => {
    const tokens = tokenSource(300);
    const parlor = await pool.connect({ url: server.url, getToken: tokens.getToken, transports: ["websocket"] });
    server.refuseNextHandshake();
    const refused = nextEvent(parlor, "error", (e) => e.code === "UNAUTHORIZED");
    server.chat.sockets.get(parlor.socket.id!)!.disconnect(true);
    await refused;
    await nextEvent(parlor, "reconnect");
    expect(tokens.calls).toBe(2);
    expect(parlor.connected).toBe(true);
  }, 10_000);

  test("auth:expired: the reconnect presents a new token from getToken()", async () => {
    const tokens = tokenSource(300);
    const parlor = await pool.connect({ url: server.url, getToken: tokens.getToken, transports: ["websocket"] });
    const socket = server.chat.sockets.get(parlor.socket.id!)!;
    socket.emit("auth:expired", {});
    socket.disconnect(true);
    await nextEvent(parlor, "reconnect");
    expect(tokens.calls).toBe(2);
  }, 10_000);
});
