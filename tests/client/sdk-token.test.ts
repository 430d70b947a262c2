/**
 * The SDK's getToken(): refreshing a live socket before expiry (auth:refresh) and
 * presenting a new token on the reconnect after auth:expired or UNAUTHORIZED.
 */
import type { SocketData } from "../../server/realtime/auth";
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
 * Parlor itself, with one more namespace middleware after its token check that
 * can refuse the next handshake UNAUTHORIZED (a token the server stopped accepting).
 */
async function refreshServer() {
  const t = await setup({ identity: { guests: false, jwt: { secret: HS_SECRET } } });
  const chat = t.parlor.io.of("/chat");
  let refuseNext = 0;
  chat.use((_socket, next) =>
    refuseNext > 0
      ? (refuseNext--, next(Object.assign(new Error("UNAUTHORIZED"), { data: { code: "UNAUTHORIZED", message: "refused" } })))
      : next(),
  );
  return {
    url: t.url,
    chat,
    refuseNextHandshake: () => void (refuseNext = 1),
    close: () => t.cleanup(),
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
