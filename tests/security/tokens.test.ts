/**
 * Token hardening: expiry enforced, signatures checked exactly, payload bound
 * by the signature; POST /api/session validated and rate-limited per IP.
 */
import { createTokenSigner } from "../../server/auth/tokens";
import { createSession, emitAck, okData, setup, testConfig, type TestServer } from "../helpers";
import { rawRequest, sleep } from "./support";

let t: TestServer;
beforeAll(async () => (t = await setup({ sessionRateLimit: { perMinute: 5 } })));
afterAll(() => t.cleanup());

// The test server's secret (tests/helpers.ts), so the test can mint tokens as the server would.
const signer = createTokenSigner(testConfig().secret!, 60_000);

async function handshakeCode(token: string): Promise<{ message: string; code?: string } | "connected"> {
  return t.connectChat(token).then(
    () => "connected" as const,
    (err: Error & { data?: { code: string } }) => ({ message: err.message, code: err.data?.code }),
  );
}

const UNAUTHORIZED = { message: "UNAUTHORIZED", code: "UNAUTHORIZED" };
const [payloadOf, signatureOf] = [(token: string) => token.split(".")[0], (token: string) => token.split(".")[1]];
const encode = (claims: object) => Buffer.from(JSON.stringify(claims)).toString("base64url");

test("a token minted with the server's secret connects (the forgeries below differ only as described)", async () => {
  expect(await handshakeCode(signer.issue({ id: "u_minted", name: "Ada" }).token)).toBe("connected");
});

test("an expired token is UNAUTHORIZED, and the refusal is logged once (no token in the log)", async () => {
  const info = jest.spyOn(t.parlor.log, "info");
  const { token } = signer.issue({ id: "u_old", name: "Ada" }, Date.now() - 61_000);
  expect(await handshakeCode(token)).toEqual(UNAUTHORIZED);
  const refusals = info.mock.calls.filter(([, msg]) => String(msg).startsWith("handshake refused"));
  info.mockRestore();
  expect(refusals).toHaveLength(1);
  expect(refusals[0]![0]).toMatchObject({ nsp: "/chat" });
  expect(JSON.stringify(refusals[0])).not.toContain(token.split(".")[1]);
});

test("PARLOR_TOKEN_TTL is enforced: a session token stops working once its TTL has passed", async () => {
  const short = await setup({ tokenTtlMs: 1000 });
  try {
    const session = await createSession(short.url, "Ada");
    expect(session.expiresAt - Date.now()).toBeLessThanOrEqual(1000);
    await short.connectChat(session.token);
    await sleep(session.expiresAt - Date.now() + 50);
    const err = await short.connectChat(session.token).then(
      () => undefined,
      (e: Error & { data?: { code: string } }) => e,
    );
    expect(err?.data?.code).toBe("UNAUTHORIZED");
  } finally {
    await short.cleanup();
  }
});

test("a token whose payload was changed (another name, another id, a later expiry) is UNAUTHORIZED", async () => {
  const { token } = signer.issue({ id: "u_ada", name: "Ada" });
  const claims = JSON.parse(Buffer.from(payloadOf(token), "base64url").toString()) as { uid: string; name: string; exp: number };
  for (const changed of [
    { ...claims, name: "Admin" },
    { ...claims, uid: "u_bob" },
    { ...claims, exp: claims.exp + 3600_000 },
  ]) {
    expect(await handshakeCode(`${encode(changed)}.${signatureOf(token)}`)).toEqual(UNAUTHORIZED);
  }
});

test("a truncated, extended or re-spelled signature is UNAUTHORIZED", async () => {
  const { token } = signer.issue({ id: "u_ada", name: "Ada" });
  const sig = signatureOf(token);
  // The last of 43 base64url characters carries 2 spare bits: flipping one spells the same 32 bytes.
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const respelled = sig.slice(0, -1) + alphabet[alphabet.indexOf(sig[sig.length - 1]!) ^ 1];
  expect(Buffer.from(respelled, "base64url")).toEqual(Buffer.from(sig, "base64url"));
  for (const forged of [
    `${payloadOf(token)}.${sig.slice(0, -1)}`,
    `${payloadOf(token)}.${sig.slice(0, 20)}`,
    `${payloadOf(token)}.`,
    `${payloadOf(token)}.${sig}A`,
    `${payloadOf(token)}.${sig}==`,
    `${payloadOf(token)}.${respelled}`,
    `${payloadOf(token)}.${sig}.${sig}`,
  ]) {
    expect(await handshakeCode(forged)).toEqual(UNAUTHORIZED);
  }
});

test("the token binds the user: the connection acts as the id and name it was issued for", async () => {
  const { session } = await t.connectUser("Grace");
  const tab = await t.connectChat(session.token);
  const { members } = okData(await emitAck(tab, "room:join", { room: "bound" }));
  expect(members).toEqual([session.user]);
});

describe("POST /api/session", () => {
  test("names are validated; a markup-looking name is just a name (rendered as text by the pages)", async () => {
    const limited = await setup();
    try {
      const post = (name: unknown) =>
        fetch(`${limited.url}/api/session`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name }),
        });
      expect((await post("a\u0000b")).status).toBe(400);
      expect((await post("x".repeat(33))).status).toBe(400);
      expect((await post({ $ne: "" })).status).toBe(400);
      const res = await post("<img src=x onerror=alert(1)>");
      expect(res.status).toBe(201);
      expect(((await res.json()) as { user: { name: string } }).user.name).toBe("<img src=x onerror=alert(1)>");
    } finally {
      await limited.cleanup();
    }
  });

  test("is rate-limited per IP: the excess answers 429 RATE_LIMITED with retryAfterMs and Retry-After; bad requests count too", async () => {
    const post = (body: string) =>
      rawRequest(`${t.url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body });
    // This file's server allows 5 per minute; earlier tests used some of them.
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await post(JSON.stringify({ name: i % 2 ? "" : `n${i}` })));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(answers.slice(answers.indexOf(limited[0]!)).every((a) => a.status === 429)).toBe(true);
    const body = JSON.parse(limited[0]!.body);
    expect(body).toEqual({ error: { code: "RATE_LIMITED", message: expect.any(String), details: { retryAfterMs: expect.any(Number) } } });
    expect(body.error.details.retryAfterMs).toBeGreaterThan(0);
    expect(body.error.details.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(Number(limited[0]!.headers["retry-after"])).toBe(Math.ceil(body.error.details.retryAfterMs / 1000));
    // Sockets are not affected by the HTTP limit.
    expect(await handshakeCode(signer.issue({ id: "u_late", name: "Late" }).token)).toBe("connected");
  });
});
