/**
 * `/healthz` reports store faults: with the SQLite file deleted under a
 * running server, acknowledged messages would be lost at the next restart,
 * so the node answers 503 store-unavailable and a load balancer stops
 * sending users to it. (The fault itself is detected by the store's
 * health(), server/storage/sqlite-health.ts.)
 */
import fs from "node:fs";
import { setup, type TestServer } from "../helpers";

let t: TestServer;
beforeAll(async () => (t = await setup()));
afterAll(() => t.cleanup());

async function healthz(): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${t.url}/healthz`);
  return { status: res.status, body: await res.json() };
}

test("200 ok while the store is healthy; 503 store-unavailable with a reason once its file is deleted", async () => {
  expect(await healthz()).toEqual({ status: 200, body: { status: "ok" } });
  fs.rmSync(t.config.dbPath);
  const deadline = Date.now() + 5000;
  let last = await healthz();
  while (last.status === 200 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await healthz();
  }
  expect(last).toEqual({ status: 503, body: { status: "store-unavailable", reason: expect.stringMatching(/\S/) } });
  // Sticky: nothing proves the writes since were kept.
  expect((await healthz()).status).toBe(503);
});

test("503 shutting-down once shutdown has begun", async () => {
  const other = await setup();
  try {
    other.parlor.beginShutdown();
    const res = await fetch(`${other.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "shutting-down" });
  } finally {
    await other.cleanup();
  }
});
