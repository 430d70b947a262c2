/** The transport variables: defaults sized for a public deployment, and bad values named at start. */
import { loadConfig } from "../../server/config";
import { parseTrustProxy } from "../../server/security/client-address";
import { hostAllowed, isLoopbackBind } from "../../server/security/host";

test("defaults", () => {
  const c = loadConfig({});
  expect(c).toMatchObject({
    maxBufferedBytes: 1024 * 1024,
    allowedHosts: [],
    trustProxy: false,
    maxConnectionsPerAddress: 200,
    maxConnections: 15_000,
  });
  expect(c.metricsToken).toBeUndefined();
  // Below the 20,000 file descriptors of a process, with room for the database, logs and upstreams.
  expect(c.maxConnections).toBeLessThan(20_000);
});

test("values are parsed", () => {
  const c = loadConfig({
    PARLOR_MAX_BUFFERED_BYTES: "65536",
    PARLOR_ALLOWED_HOSTS: " Parlor.Example , chat.test ",
    PARLOR_TRUST_PROXY: "loopback, 10.0.0.0/8",
    PARLOR_MAX_CONNECTIONS_PER_ADDRESS: "50",
    PARLOR_MAX_CONNECTIONS: "1000",
    PARLOR_METRICS_TOKEN: "a-long-enough-token",
  });
  expect(c).toMatchObject({
    maxBufferedBytes: 65536,
    allowedHosts: ["parlor.example", "chat.test"],
    trustProxy: "loopback, 10.0.0.0/8",
    maxConnectionsPerAddress: 50,
    maxConnections: 1000,
    metricsToken: "a-long-enough-token",
  });
});

test.each([
  ["PARLOR_MAX_BUFFERED_BYTES", "12"],
  ["PARLOR_MAX_CONNECTIONS_PER_ADDRESS", "0"],
  ["PARLOR_MAX_CONNECTIONS", "lots"],
  ["PARLOR_METRICS_TOKEN", "short"],
])("%s=%s stops the server with a message naming it", (name, value) => {
  expect(() => loadConfig({ [name]: value })).toThrow(name);
});

test("PARLOR_TRUST_PROXY has Express's trust proxy forms", () => {
  expect(parseTrustProxy("")).toBe(false);
  expect(parseTrustProxy("false")).toBe(false);
  expect(parseTrustProxy("true")).toBe(true);
  expect(parseTrustProxy("2")).toBe(2);
  expect(parseTrustProxy("loopback")).toBe("loopback");
});

test("loopback binds and Host names", () => {
  for (const h of ["127.0.0.1", "127.1.2.3", "::1", "localhost"]) expect(isLoopbackBind(h)).toBe(true);
  for (const h of ["0.0.0.0", "::", "192.168.1.2"]) expect(isLoopbackBind(h)).toBe(false);
  expect(hostAllowed("localhost.", [])).toBe(true);
  expect(hostAllowed("[::1]:3000", [])).toBe(true);
  expect(hostAllowed("[::2]:3000", [])).toBe(false);
  expect(hostAllowed("127.0.0.2", [])).toBe(false);
  expect(hostAllowed("chat.test:80", ["chat.test"])).toBe(true);
});
