import { setup, type TestServer } from "../helpers";

let t: TestServer;
beforeAll(async () => (t = await setup()));
afterAll(() => t.cleanup());

const post = (body: unknown) =>
  fetch(`${t.url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

test("POST /api/session issues a token for a trimmed name", async () => {
  const res = await post({ name: "  Craig " });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { expiresAt: number };
  expect(body).toEqual({
    token: expect.any(String),
    user: { id: expect.stringMatching(/^u_/), name: "Craig", guest: true },
    expiresAt: expect.any(Number),
  });
  expect(body.expiresAt).toBeGreaterThan(Date.now() + 11 * 3600_000);
});

test.each([
  ["empty", { name: "   " }],
  ["too long", { name: "x".repeat(33) }],
  ["control characters", { name: "a\u0007b" }],
  ["not a string", { name: 42 }],
  ["missing", {}],
  ["extra keys", { name: "Ada", admin: true }],
])("POST /api/session rejects a name that is %s with 400 BAD_REQUEST", async (_label, body) => {
  const res = await post(body);
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ error: { code: "BAD_REQUEST", message: expect.any(String) } });
});

test("malformed JSON is a 400 without internals", async () => {
  const res = await fetch(`${t.url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
  expect(res.status).toBe(400);
  const text = await res.text();
  expect(JSON.parse(text)).toMatchObject({ error: { code: "BAD_REQUEST" } });
  expect(text).not.toMatch(/at .*\.js/);
});

test("GET /healthz is ok", async () => {
  const res = await fetch(`${t.url}/healthz`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: "ok" });
});

test("GET / renders the chat page with query values escaped into data attributes", async () => {
  const res = await fetch(`${t.url}/?name=${encodeURIComponent('"><b>x')}&room=dev`);
  expect(res.status).toBe(200);
  const html = await res.text();
  expect(html).toContain('data-room="dev"');
  expect(html).toContain("&#34;&gt;&lt;b&gt;x");
  expect(html).not.toContain('"><b>x');
});

test("unknown routes answer 404 JSON", async () => {
  const res = await fetch(`${t.url}/nope`);
  expect(res.status).toBe(404);
  expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
});
