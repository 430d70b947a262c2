/**
 * `auth:refresh`: the handler on plain inputs, and the expiry of a live socket
 * following a refreshed identity (applied server-side, as the event will).
 */
import { createIdentityVerifier } from "../../server/auth/identity";
import { createJwtVerifier } from "../../server/auth/jwt";
import { AuthRefresh, refreshAck, refreshIdentity } from "../../server/auth/refresh";
import { createTokenSigner } from "../../server/auth/tokens";
import { AppError } from "../../server/errors";
import type { User } from "../../server/protocol";
import { applyIdentity } from "../../server/realtime/auth";
import { emitAck, receives, setup, waitFor, type TestServer } from "../helpers";
import { HS_SECRET, mint } from "./support";

describe("refreshIdentity", () => {
  const signer = createTokenSigner("refresh-test-secret-refresh-test", 60_000);
  const ada: User = { id: "acct-1", name: "Ada" };
  let deps: Parameters<typeof refreshIdentity>[2];
  let remembered: User[];
  beforeAll(async () => {
    remembered = [];
    deps = {
      verifier: createIdentityVerifier(signer, await createJwtVerifier({ secret: HS_SECRET })),
      remember: async (u) => void remembered.push(u),
    };
  });

  const code = (p: Promise<unknown>) =>
    p.then(
      () => "ok",
      (err: unknown) => (err instanceof AppError ? err.code : String(err)),
    );

  test("a token of the same user id: its name, roles and expiry, stored; ack { expiresAt }", async () => {
    const token = await mint({ sub: "acct-1", name: "Ada Lovelace", roles: ["admin"] }, { expiresIn: 3600 });
    const identity = await refreshIdentity({ token }, ada, deps);
    expect(identity).toEqual({ user: { id: "acct-1", name: "Ada Lovelace" }, roles: ["admin"], exp: expect.any(Number) });
    expect(identity.exp).toBeGreaterThan(Date.now() + 3500_000);
    expect(refreshAck(identity)).toEqual({ expiresAt: identity.exp });
    expect(remembered).toContainEqual({ id: "acct-1", name: "Ada Lovelace" });
  });

  test("roles can be taken away by the next token", async () => {
    const identity = await refreshIdentity({ token: await mint({ sub: "acct-1", name: "Ada" }) }, ada, deps);
    expect(identity.roles).toEqual([]);
  });

  test("a guest refreshes with a guest token of the same id (and stays a guest)", async () => {
    const guest: User = { id: "u_guest1", name: "Bob", guest: true };
    const { token } = signer.issue({ id: "u_guest1", name: "Bob" });
    expect((await refreshIdentity({ token }, guest, deps)).user).toEqual(guest);
  });

  test("another user id is FORBIDDEN, and nothing is stored", async () => {
    const before = remembered.length;
    expect(await code(refreshIdentity({ token: await mint({ sub: "acct-2", name: "Ada" }) }, ada, deps))).toBe("FORBIDDEN");
    expect(await code(refreshIdentity({ token: signer.issue({ id: "u_x", name: "Ada" }).token }, ada, deps))).toBe("FORBIDDEN");
    expect(remembered.length).toBe(before);
  });

  test.each<[string, () => Promise<string> | string]>([
    ["garbage", () => "garbage"],
    ["an expired token", () => mint({ sub: "acct-1", name: "Ada" }, { expiresIn: -1 })],
    ["no exp", () => mint({ sub: "acct-1", name: "Ada" }, { expiresIn: null })],
    ["another secret", () => mint({ sub: "acct-1", name: "Ada" }, { key: new TextEncoder().encode("z".repeat(32)) })],
  ])("%s is UNAUTHORIZED", async (_label, token) => {
    expect(await code(refreshIdentity({ token: await token() }, ada, deps))).toBe("UNAUTHORIZED");
  });

  test("the payload is strict: { token } only, a non-empty string", () => {
    expect(AuthRefresh.safeParse({ token: "x" }).success).toBe(true);
    for (const bad of [{}, { token: "" }, { token: 1 }, { token: "x", user: "acct-2" }, null])
      expect(AuthRefresh.safeParse(bad).success).toBe(false);
  });
});

describe("the expiry timer follows a refreshed identity", () => {
  let t: TestServer;
  beforeAll(async () => (t = await setup({ tokenTtlMs: 1200 })));
  afterAll(() => t.cleanup());

  const serverSocket = (id: string | undefined) => t.parlor.io.of("/chat").sockets.get(id!)!;

  test("a later expiry: no auth:expired at the old one; auth:expired then disconnect at the new one", async () => {
    const { socket, session } = await t.connectUser("Ada");
    const exp = Date.now() + 2500;
    applyIdentity(serverSocket(socket.id), { user: session.user, roles: [], exp }, t.parlor.log);
    expect(await receives(socket, "auth:expired", 1800)).toBe(false);
    expect((await emitAck(socket, "room:list", {})).ok).toBe(true);
    const [expired, reason] = await Promise.all([waitFor(socket, "auth:expired", 3000), waitFor<string>(socket, "disconnect", 3000)]);
    expect(expired).toEqual({});
    expect(reason).toBe("io server disconnect");
    expect(Date.now()).toBeGreaterThanOrEqual(exp);
  });

  test("an earlier expiry ends the socket earlier; name and roles take effect at once", async () => {
    const { socket, session } = await t.connectUser("Ada");
    const server = serverSocket(socket.id);
    applyIdentity(server, { user: { ...session.user, name: "Ada L" }, roles: ["moderator"], exp: Date.now() + 300 }, t.parlor.log);
    expect(server.data).toMatchObject({ user: { id: session.user.id, name: "Ada L" }, roles: ["moderator"] });
    const started = Date.now();
    await waitFor(socket, "auth:expired", 1000);
    expect(Date.now() - started).toBeLessThan(900);
  });
});
