/**
 * JWTs at the handshake, on a real server with real socket.io-client sockets:
 * what a backend mints connects as exactly that user; every forgery fails with UNAUTHORIZED.
 */
import { emitAck, okData, openSocket, setup, type TestServer } from "../helpers";
import { HS_SECRET, keyPair, mint, tampered, unsigned, inSeconds, type KeyPair } from "./support";

type HandshakeError = Error & { data?: { code?: string } };

/** "connected" or the refusal's code, on /chat or /game. */
async function handshake(t: TestServer, token: unknown, nsp: "/chat" | "/game" = "/chat"): Promise<string> {
  return openSocket(`${t.url}${nsp}`, { auth: { token } }).then(
    (socket) => (socket.close(), "connected"),
    (err: HandshakeError) => err.data?.code ?? err.message,
  );
}

describe("HS256 (PARLOR_JWT_SECRET only)", () => {
  let t: TestServer;
  let rsa: KeyPair;
  beforeAll(async () => {
    rsa = await keyPair("RS256");
    t = await setup({ identity: { guests: true, jwt: { secret: HS_SECRET } } });
  });
  afterAll(() => t.cleanup());

  test("a minted token connects on /chat and /game as the user whose id is its sub", async () => {
    const token = await mint({ sub: "acct-1001", name: "Ada", roles: ["moderator"] });
    expect(await handshake(t, token, "/game")).toBe("connected");
    const socket = await t.connectChat(token);
    const joined = okData(await emitAck(socket, "room:join", { room: "lobby" }));
    expect(joined.members).toEqual([{ id: "acct-1001", name: "Ada" }]);
    const [server] = await t.parlor.io.of("/chat").fetchSockets();
    expect(server.data).toMatchObject({ user: { id: "acct-1001", name: "Ada" }, roles: ["moderator"] });
  });

  test("guest tokens keep working beside JWTs", async () => {
    const { session } = await t.connectUser("Guest");
    expect(await handshake(t, session.token, "/game")).toBe("connected");
  });

  test.each<[string, () => Promise<string> | string]>([
    ["alg none", () => unsigned({ sub: "acct-1", name: "Eve", exp: inSeconds(600) })],
    [
      "alg none with a signature part",
      async () => `${unsigned({ sub: "acct-1", name: "Eve", exp: inSeconds(600) })}${(await mint({ sub: "x", name: "x" })).split(".")[2]}`,
    ],
    [
      "HS256 signed with the wrong secret",
      () => mint({ sub: "acct-1", name: "Eve" }, { key: new TextEncoder().encode("the-wrong-secret-the-wrong-secret!") }),
    ],
    [
      "RS256 when only a secret is configured (algorithm confusion)",
      () => mint({ sub: "acct-1", name: "Eve" }, { alg: "RS256", key: rsa.privateKey }),
    ],
    ["no exp", () => mint({ sub: "acct-1", name: "Eve" }, { expiresIn: null })],
    ["an expired token", () => mint({ sub: "acct-1", name: "Eve" }, { expiresIn: -5 })],
    ["a sub of 65 characters", () => mint({ sub: "a".repeat(65), name: "Eve" })],
    ["a name with control characters", () => mint({ sub: "acct-1", name: "Eve\u0007" })],
    ["an invisible name", () => mint({ sub: "acct-1", name: "\u200b" })],
    ["a tampered sub", async () => tampered(await mint({ sub: "acct-1", name: "Eve" }), { sub: "acct-2" })],
    ["a tampered exp", async () => tampered(await mint({ sub: "acct-1", name: "Eve" }, { expiresIn: -5 }), { exp: inSeconds(600) })],
  ])("refused with UNAUTHORIZED: %s", async (_label, token) => {
    const forged = await token();
    expect(await handshake(t, forged)).toBe("UNAUTHORIZED");
    expect(await handshake(t, forged, "/game")).toBe("UNAUTHORIZED");
  });
});

describe.each(["RS256", "ES256"] as const)("%s (PARLOR_JWT_PUBLIC_KEY)", (alg) => {
  let t: TestServer;
  let pair: KeyPair;
  beforeAll(async () => {
    pair = await keyPair(alg);
    t = await setup({ identity: { guests: true, jwt: { publicKey: pair.publicPem } } });
  });
  afterAll(() => t.cleanup());

  test(`a token signed with the backend's private key connects`, async () => {
    expect(await handshake(t, await mint({ sub: "acct-7", name: "Ada" }, { alg, key: pair.privateKey }))).toBe("connected");
    expect(await handshake(t, await mint({ sub: "acct-7", name: "Ada" }, { alg, key: pair.privateKey }), "/game")).toBe("connected");
  });

  test("an HS256 token whose secret is the public key PEM is refused (key confusion)", async () => {
    expect(await handshake(t, await mint({ sub: "acct-7", name: "Eve" }, { key: new TextEncoder().encode(pair.publicPem) }))).toBe(
      "UNAUTHORIZED",
    );
  });

  test("another key pair's token is refused", async () => {
    const other = await keyPair(alg);
    expect(await handshake(t, await mint({ sub: "acct-7", name: "Eve" }, { alg, key: other.privateKey }))).toBe("UNAUTHORIZED");
  });

  test("an expired token is refused", async () => {
    expect(await handshake(t, await mint({ sub: "acct-7", name: "Eve" }, { alg, key: pair.privateKey, expiresIn: -1 }))).toBe(
      "UNAUTHORIZED",
    );
  });
});

test("without any JWT key, a well-formed JWT is refused", async () => {
  const t = await setup();
  try {
    expect(await handshake(t, await mint({ sub: "acct-1", name: "Ada" }))).toBe("UNAUTHORIZED");
  } finally {
    await t.cleanup();
  }
});
