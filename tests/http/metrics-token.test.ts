/** `/metrics` behind PARLOR_METRICS_TOKEN: a bearer token, 401 without it; open when unset. */
import { setup, type TestServer } from "../helpers";

const TOKEN = "metrics-token-0123456789";
let t: TestServer;
beforeAll(async () => (t = await setup({ metricsToken: TOKEN })));
afterAll(() => t.cleanup());

test.each([
  ["no Authorization header", undefined],
  ["a wrong token", `Bearer ${TOKEN}x`],
  ["a prefix of the token", `Bearer ${TOKEN.slice(0, 8)}`],
  ["another scheme", `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}`],
])("%s: 401 UNAUTHORIZED with WWW-Authenticate, no metrics", async (_label, authorization) => {
  const res = await fetch(`${t.url}/metrics`, { headers: authorization ? { authorization } : {} });
  expect(res.status).toBe(401);
  expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
  const text = await res.text();
  expect(JSON.parse(text)).toMatchObject({ error: { code: "UNAUTHORIZED" } });
  expect(text).not.toContain("parlor_");
});

test("the right bearer token gets the metrics", async () => {
  const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(await res.text()).toContain("parlor_");
});

test("without PARLOR_METRICS_TOKEN, /metrics is open (as before)", async () => {
  const open = await setup();
  try {
    expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
  } finally {
    await open.cleanup();
  }
});
