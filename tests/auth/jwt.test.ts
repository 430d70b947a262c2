/** The JWT verifier on its own: claims, algorithms, keys and their configuration errors. */
import fs from "node:fs";
import path from "node:path";
import { createJwtVerifier, type JwtVerifier } from "../../server/auth/jwt";
import { tempDir } from "../helpers";
import { HS_SECRET, inSeconds, keyPair, mint, tampered, unsigned, type KeyPair } from "./support";

let hs: JwtVerifier;
let rsa: KeyPair;
beforeAll(async () => {
  hs = (await createJwtVerifier({ secret: HS_SECRET }))!;
  rsa = await keyPair("RS256");
});

test("a valid HS256 token gives { user: { id: sub, name }, roles, exp in ms }", async () => {
  const exp = inSeconds(600);
  // expiresIn null: the claim's own exp is kept.
  const token = await mint(
    { sub: "user-42", name: "  Ada  ", roles: ["moderator", "billing", "admin", "admin"], exp },
    { expiresIn: null },
  );
  expect(await hs.verify(token)).toEqual({ user: { id: "user-42", name: "Ada" }, roles: ["moderator", "admin"], exp: exp * 1000 });
});

test("no JWT key configured: no verifier", async () => {
  expect(await createJwtVerifier({})).toBeUndefined();
});

test.each<[string, () => Promise<string> | string]>([
  ["alg none", () => unsigned({ sub: "u", name: "Eve", exp: inSeconds(600) })],
  ["another secret", () => mint({ sub: "u", name: "Eve" }, { key: new TextEncoder().encode("x".repeat(40)) })],
  ["RS256 where only a secret is configured", () => mint({ sub: "u", name: "Eve" }, { alg: "RS256", key: rsa.privateKey })],
  ["no exp", () => mint({ sub: "u", name: "Eve" }, { expiresIn: null })],
  ["an exp in the past", () => mint({ sub: "u", name: "Eve" }, { expiresIn: -1 })],
  ["a tampered sub", async () => tampered(await mint({ sub: "u", name: "Eve" }), { sub: "admin" })],
  ["a tampered roles claim", async () => tampered(await mint({ sub: "u", name: "Eve" }), { roles: ["admin"] })],
  ["no sub", () => mint({ name: "Eve" })],
  ["an empty sub", () => mint({ sub: "", name: "Eve" })],
  ["a sub of 65 characters", () => mint({ sub: "x".repeat(65), name: "Eve" })],
  ["no name", () => mint({ sub: "u" })],
  ["a name with a bidi override", () => mint({ sub: "u", name: "\u202eEve" })],
  ["a name of 33 characters", () => mint({ sub: "u", name: "x".repeat(33) })],
  ["roles that are not strings", () => mint({ sub: "u", name: "Eve", roles: [1] })],
  ["a not-yet-valid token (nbf)", () => mint({ sub: "u", name: "Eve", nbf: inSeconds(600) })],
  ["a token far too long", async () => mint({ sub: "u", name: "Eve", pad: "x".repeat(9000) })],
])("refused: %s", async (_label, token) => {
  expect(await hs.verify(await token())).toBeNull();
});

test("a sub of 64 characters is the user id exactly", async () => {
  const sub = "x".repeat(63) + "é";
  expect((await hs.verify(await mint({ sub, name: "Ada" })))?.user.id).toBe(sub);
});

test("issuer and audience, when configured, must match", async () => {
  const strict = (await createJwtVerifier({ secret: HS_SECRET, issuer: "https://app.example", audience: "parlor" }))!;
  const claims = { sub: "u", name: "Ada" };
  expect(await strict.verify(await mint({ ...claims, iss: "https://app.example", aud: ["other", "parlor"] }))).not.toBeNull();
  expect(await strict.verify(await mint({ ...claims, iss: "https://evil.example", aud: "parlor" }))).toBeNull();
  expect(await strict.verify(await mint({ ...claims, iss: "https://app.example", aud: "other" }))).toBeNull();
  expect(await strict.verify(await mint(claims))).toBeNull();
});

describe("public keys", () => {
  test("RS256 from PEM text; an HS256 token signed with the PEM as its secret is refused (key confusion)", async () => {
    const rs = (await createJwtVerifier({ publicKey: rsa.publicPem }))!;
    expect(rs.algorithms).toEqual(["RS256"]);
    expect(await rs.verify(await mint({ sub: "u", name: "Ada" }, { alg: "RS256", key: rsa.privateKey }))).not.toBeNull();
    expect(await rs.verify(await mint({ sub: "u", name: "Ada" }, { key: new TextEncoder().encode(rsa.publicPem) }))).toBeNull();
  });

  test("ES256 from a PEM file, and from a one-line value with \\n escapes", async () => {
    const ec = await keyPair("ES256");
    const file = path.join(tempDir(), "jwt.pem");
    fs.writeFileSync(file, ec.publicPem);
    const token = await mint({ sub: "u", name: "Ada" }, { alg: "ES256", key: ec.privateKey });
    for (const publicKey of [file, ec.publicPem.replace(/\n/g, "\\n")]) {
      const verifier = (await createJwtVerifier({ publicKey }))!;
      expect(verifier.algorithms).toEqual(["ES256"]);
      expect(await verifier.verify(token)).not.toBeNull();
      // Another key pair's token of the same algorithm.
      expect(
        await verifier.verify(await mint({ sub: "u", name: "Ada" }, { alg: "ES256", key: (await keyPair("ES256")).privateKey })),
      ).toBeNull();
    }
  });

  test("a secret and a public key together: each algorithm with its own key only", async () => {
    const both = (await createJwtVerifier({ secret: HS_SECRET, publicKey: rsa.publicPem }))!;
    expect(await both.verify(await mint({ sub: "u", name: "Ada" }))).not.toBeNull();
    expect(await both.verify(await mint({ sub: "u", name: "Ada" }, { alg: "RS256", key: rsa.privateKey }))).not.toBeNull();
    expect(await both.verify(await mint({ sub: "u", name: "Ada" }, { key: new TextEncoder().encode(rsa.publicPem) }))).toBeNull();
  });

  test.each([
    ["a missing file", "/nonexistent/jwt.pem"],
    ["garbage PEM", "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----"],
  ])("%s stops the start with an error naming PARLOR_JWT_PUBLIC_KEY", async (_label, publicKey) => {
    await expect(createJwtVerifier({ publicKey })).rejects.toThrow(/PARLOR_JWT_PUBLIC_KEY/);
  });

  test("a private key or a P-384 key is refused at start", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const rsaPair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const p384 = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    for (const pem of [
      rsaPair.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
      p384.publicKey.export({ type: "spki", format: "pem" }) as string,
    ]) {
      await expect(createJwtVerifier({ publicKey: pem })).rejects.toThrow(/PARLOR_JWT_PUBLIC_KEY/);
    }
  });
});
