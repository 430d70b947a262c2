import path from "node:path";
import { loadConfig } from "../server/config";

test("defaults: port 3000 on loopback, SQLite under ./data, protocol limits", () => {
  const c = loadConfig({});
  expect(c.port).toBe(3000);
  expect(c.host).toBe("127.0.0.1");
  expect(c.dbPath).toBe(path.resolve("data/parlor.db"));
  expect(c.tokenTtlMs).toBe(12 * 3600_000);
  expect(c.maxPayloadBytes).toBe(64 * 1024);
  expect(c.rateLimit).toEqual({ perSecond: 20, burst: 40 });
  expect(c.redisUrl).toBeUndefined();
  expect(c.databaseUrl).toBeUndefined();
});

test("environment values are parsed and empty URLs mean unset", () => {
  const c = loadConfig({
    PORT: "4000",
    PARLOR_ALLOWED_ORIGINS: "https://a.example, https://b.example",
    PARLOR_REDIS_URL: "",
    LOG_LEVEL: "warn",
  });
  expect(c.port).toBe(4000);
  expect(c.allowedOrigins).toEqual(["https://a.example", "https://b.example"]);
  expect(c.redisUrl).toBeUndefined();
  expect(c.logLevel).toBe("warn");
});

test.each([
  ["PORT", "http"],
  ["PARLOR_TOKEN_TTL", "0"],
  ["PARLOR_SECRET", "short"],
  ["LOG_LEVEL", "loud"],
])("a bad %s stops the start with a message naming it", (name, value) => {
  expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`Invalid configuration[\\s\\S]*${name}`));
});
