/**
 * `/system` has no user, and its events used to be exempt from every limit:
 * two raw WebSockets sending `system:state` as fast as they could got 53k
 * acks/s and stalled every other user. Now each connection and each address
 * has a budget, checked before any work, and an address that keeps flooding
 * is cut off. The flood comes from another process and another (forwarded)
 * address; a chat user and a monitor at a second address stay served.
 */
import { emitAck, okData, openSocket, setup, type SystemSocket, type TestServer } from "../helpers";
import { runFlood } from "./support/event-flooder";
import { legitLoop, percentile } from "./support/legit";

let t: TestServer;
// Addresses come from X-Forwarded-For, so the flooder and the monitor are two clients on one machine.
beforeAll(async () => (t = await setup({ trustProxy: "loopback" })));
afterAll(() => t.cleanup());

test("a system:state flood from two sockets is refused and cut off; another address's monitor and a chat user are served", async () => {
  const info = jest.spyOn(t.parlor.log, "info");
  const warn = jest.spyOn(t.parlor.log, "warn");
  const { socket: bob } = await t.connectUser("Bob");
  okData(await emitAck(bob, "room:join", { room: "lobby" }));
  const monitor = await openSocket<SystemSocket>(`${t.url}/system`, { extraHeaders: { "x-forwarded-for": "203.0.113.8" } });

  let chat: ReturnType<typeof legitLoop> | undefined;
  let health: ReturnType<typeof legitLoop> | undefined;
  const report = await runFlood(
    {
      url: t.url,
      nsp: "/system",
      sockets: 2,
      event: "system:state",
      ack: true,
      durationMs: 1500,
      headers: { "x-forwarded-for": "203.0.113.7" },
    },
    () => {
      chat = legitLoop(bob, "message:send", (i) => ({ room: "lobby", text: `bob ${i}` }), 60);
      health = legitLoop(monitor, "system:healthcheck", () => undefined, 150);
    },
  );
  const bobResult = await chat!.stop();
  const monitorResult = await health!.stop();
  monitor.close();

  // Refused, then both sockets cut off.
  const { perConnection, perAddress } = t.config.limits.system;
  expect(report.rateLimited).toBeGreaterThan(0);
  expect(report.otherCodes).toEqual({});
  expect(report.closedByServer).toBe(2);
  // What was answered ok is within the budget: each connection's, and the address's.
  const seconds = Math.ceil(report.elapsedMs / 1000);
  expect(report.ok).toBeLessThanOrEqual(
    Math.min(2 * (perConnection.burst + perConnection.perSecond * seconds), perAddress.burst + perAddress.perSecond * seconds),
  );

  // Logged sampled: one refusal line for the address and event (not one per refusal), one cut-off line.
  const refusalLines = info.mock.calls.filter(
    ([fields, msg]) => msg === "event rejected" && (fields as { event?: string }).event === "system:state",
  );
  expect(refusalLines.length).toBeGreaterThanOrEqual(1);
  expect(refusalLines.length).toBeLessThanOrEqual(2);
  const cutLines = warn.mock.calls.filter(([, msg]) => msg === "disconnecting a flooding client");
  expect(cutLines).toHaveLength(1);
  expect(cutLines[0]![0]).toMatchObject({ user: "ip:203.0.113.7", event: "system:state" });

  // The others were served all along.
  expect(bobResult.failures).toEqual([]);
  expect(monitorResult.failures).toEqual([]);
  expect(monitorResult.latencies.length).toBeGreaterThanOrEqual(1);
  expect(percentile(bobResult.latencies, 99)).toBeLessThan(1000);
  if (process.env.REPORT) {
    console.log(
      `system flood: sent ${report.sent}, ok ${report.ok}, RATE_LIMITED ${report.rateLimited}, cut after ${report.closedAfterMs.join("/")} ms; bob p50 ${percentile(bobResult.latencies, 50).toFixed(1)} ms p99 ${percentile(bobResult.latencies, 99).toFixed(1)} ms`,
    );
  }
});

test("the per-connection budget: a burst past it answers RATE_LIMITED with retryAfterMs, and the wait is honoured", async () => {
  const system = await openSocket<SystemSocket>(`${t.url}/system`, { extraHeaders: { "x-forwarded-for": "203.0.113.9" } });
  try {
    const { burst } = t.config.limits.system.perConnection;
    const acks = await Promise.all(Array.from({ length: burst + 1 }, () => emitAck(system, "system:healthcheck")));
    expect(acks.slice(0, burst).every((a) => a.ok)).toBe(true);
    const refused = acks[burst]!;
    expect(refused).toEqual({
      ok: false,
      error: { code: "RATE_LIMITED", message: expect.any(String), details: { retryAfterMs: expect.any(Number) } },
    });
    const wait = (refused as { error: { details: { retryAfterMs: number } } }).error.details.retryAfterMs;
    expect(wait).toBeLessThanOrEqual(1000);
    await new Promise((r) => setTimeout(r, wait + 10));
    expect(okData(await emitAck(system, "system:healthcheck"))).toEqual({ status: "healthy" });
  } finally {
    system.close();
  }
});
