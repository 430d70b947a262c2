/** The identity block of the configuration: PARLOR_JWT_* and PARLOR_GUESTS. */
import { loadConfig } from "../../server/config";

test("defaults: no JWT key, guests on", () => {
  expect(loadConfig({}).identity).toEqual({ jwt: undefined, guests: true });
});

test("PARLOR_JWT_* and PARLOR_GUESTS=0", () => {
  const config = loadConfig({
    PARLOR_JWT_SECRET: "s".repeat(32),
    PARLOR_JWT_PUBLIC_KEY: "/etc/parlor/jwt.pem",
    PARLOR_JWT_ISSUER: "https://app.example",
    PARLOR_JWT_AUDIENCE: "parlor",
    PARLOR_GUESTS: "0",
  });
  expect(config.identity).toEqual({
    jwt: { secret: "s".repeat(32), publicKey: "/etc/parlor/jwt.pem", issuer: "https://app.example", audience: "parlor" },
    guests: false,
  });
});

test.each([
  ["a secret under 32 bytes", { PARLOR_JWT_SECRET: "s".repeat(31) }, /PARLOR_JWT_SECRET/],
  ["PARLOR_GUESTS other than 0 or 1", { PARLOR_GUESTS: "no" }, /PARLOR_GUESTS/],
])("%s stops the start naming the variable", (_label, env, message) => {
  expect(() => loadConfig(env)).toThrow(message);
});

test("32 bytes may be fewer characters", () => {
  expect(loadConfig({ PARLOR_JWT_SECRET: "é".repeat(16) }).identity.jwt?.secret).toBe("é".repeat(16));
});
