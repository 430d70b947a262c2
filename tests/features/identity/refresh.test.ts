/**
 * `auth:refresh { token }` on `/chat` and `/game` (PROTOCOL v2 "Identity v2"),
 * on a real server with real sockets: the same user's new token takes effect
 * (name, roles, expiry timer), another user's is FORBIDDEN, an invalid one
 * UNAUTHORIZED, and the socket keeps its identity then.
 */
import type { Socket } from "socket.io-client";
import { HS_SECRET, mint } from "../../auth/support";
import { emitAck, okData, openSocket, receives, setup, waitFor, type GameSocket, type TestServer } from "../../helpers";

let t: TestServer;
beforeAll(async () => (t = await setup({ identity: { guests: true, jwt: { secret: HS_SECRET } } })));
afterAll(() => t.cleanup());

const opened: Socket[] = [];
afterEach(() => opened.splice(0).forEach((s) => s.close()));

const ada = (name = "Ada", expiresIn = 300, roles?: string[]) => mint({ sub: "acct-1", name, ...(roles ? { roles } : {}) }, { expiresIn });
const codeOf = async (ack: Promise<{ ok: boolean; error?: { code: string } }>) => (await ack).error?.code;

async function open<S extends Socket>(nsp: "/chat" | "/game", token: string): Promise<S> {
  const socket = await openSocket<S>(`${t.url}${nsp}`, { auth: { token } });
  opened.push(socket);
  return socket;
}

const serverData = (nsp: "/chat" | "/game", socket: Socket) => t.parlor.io.of(nsp).sockets.get(socket.id!)!.data;

describe.each(["/chat", "/game"] as const)("auth:refresh on %s", (nsp) => {
  test("a new token of the same user: ack { expiresAt }; name and roles take effect; the expiry timer follows", async () => {
    const socket = await open(nsp, await ada("Ada", 300));
    const before = Date.now();
    const { expiresAt } = okData(
      await emitAck<{ expiresAt: number }>(socket, "auth:refresh", { token: await ada("Ada L", 2, ["moderator"]) }),
    );
    // `exp` is in whole seconds.
    expect(expiresAt).toBeGreaterThan(before + 500);
    expect(expiresAt).toBeLessThanOrEqual(before + 3000);
    expect(serverData(nsp, socket)).toMatchObject({ user: { id: "acct-1", name: "Ada L" }, roles: ["moderator"], exp: expiresAt });
    if (nsp === "/chat") {
      // The name is the one on new messages; the global moderator role opens another's room's audit log.
      const owner = await t.connectUser("Olga");
      okData(await emitAck(owner.socket, "room:join", { room: "refresh-hall" }));
      okData(await emitAck(socket, "room:join", { room: "refresh-hall" }));
      const { message } = okData(await emitAck(socket, "message:send", { room: "refresh-hall", text: "renamed" }));
      expect(message.user).toMatchObject({ id: "acct-1", name: "Ada L" });
      expect(okData(await emitAck(socket, "mod:log", { room: "refresh-hall" })).entries).toEqual(expect.any(Array));
    } else {
      const joined = okData(await emitAck(socket as GameSocket, "game:quickplay", {}));
      expect(joined.state.players.find((p: { id: string }) => p.id === joined.playerId)).toMatchObject({ name: "Ada L" });
    }
    // The old 300 s token is gone: the socket expires at the new expiry.
    const [expired] = await Promise.all([waitFor(socket, "auth:expired", 4000), waitFor(socket, "disconnect", 4000)]);
    expect(expired).toEqual({});
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
  }, 10_000);

  test("a later expiry keeps the socket past the old one", async () => {
    const socket = await open(nsp, await ada("Ada", 1));
    okData(await emitAck(socket, "auth:refresh", { token: await ada("Ada", 300) }));
    expect(await receives(socket, "auth:expired", 2000)).toBe(false);
    expect(socket.connected).toBe(true);
  });

  test("another user's token: FORBIDDEN, the socket keeps its identity", async () => {
    const socket = await open(nsp, await ada("Ada", 300));
    const other = await mint({ sub: "acct-2", name: "Bob" });
    expect(await codeOf(emitAck(socket, "auth:refresh", { token: other }))).toBe("FORBIDDEN");
    // A guest session token of another user id too.
    const guest = await t.connectUser("Guest");
    expect(await codeOf(emitAck(socket, "auth:refresh", { token: (guest.socket.auth as { token: string }).token }))).toBe("FORBIDDEN");
    expect(serverData(nsp, socket)).toMatchObject({ user: { id: "acct-1", name: "Ada" }, roles: [] });
    expect(socket.connected).toBe(true);
  });

  test("an invalid or expired token: UNAUTHORIZED, the socket keeps its identity and expiry", async () => {
    const socket = await open(nsp, await ada("Ada", 300));
    const exp = serverData(nsp, socket).exp;
    expect(await codeOf(emitAck(socket, "auth:refresh", { token: "not-a-token" }))).toBe("UNAUTHORIZED");
    expect(await codeOf(emitAck(socket, "auth:refresh", { token: await ada("Ada L", -10) }))).toBe("UNAUTHORIZED");
    expect(await codeOf(emitAck(socket, "auth:refresh", { token: await mint({ sub: "acct-1", name: "Ada" }, { expiresIn: null }) }))).toBe(
      "UNAUTHORIZED",
    );
    expect(serverData(nsp, socket)).toMatchObject({ user: { name: "Ada" }, exp });
    expect(socket.connected).toBe(true);
  });

  test("a malformed payload: BAD_REQUEST", async () => {
    const socket = await open(nsp, await ada());
    expect(await codeOf(emitAck(socket, "auth:refresh", { token: "" }))).toBe("BAD_REQUEST");
    expect(await codeOf(emitAck(socket, "auth:refresh", { token: "x", extra: 1 }))).toBe("BAD_REQUEST");
  });
});
