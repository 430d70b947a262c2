/**
 * The flood cut-off counts per user across all their sockets: a flood spread
 * over many sockets of one user (each one far below the old per-socket
 * threshold) was never cut off, and every refusal was logged (900 KB/s of
 * log from one user). Now the user's sending sockets are cut off once the
 * user has been refused 5 × burst times, with one log line for it, and the
 * refusals are one sampled line. Another user is served throughout.
 */
import type { Logger } from "../../server/logger";
import { emitAck, okData, setup, type TestServer } from "../helpers";
import { runFlood } from "./support/event-flooder";
import { legitLoop, percentile } from "./support/legit";

let t: TestServer;
beforeAll(async () => (t = await setup()));
afterAll(() => t.cleanup());

const SOCKETS = 15;

test("one user flooding from 15 sockets, 60 sends each, is cut off as one user; refusals are logged sampled; another user is served", async () => {
  const log = t.parlor.log;
  const warn = jest.spyOn(log, "warn");
  // Each /chat connection logs through its own child logger: watch what they write.
  const childInfo: jest.SpyInstance[] = [];
  const child = log.child.bind(log);
  jest.spyOn(log, "child").mockImplementation(((bindings: Record<string, unknown>) => {
    const c = child(bindings) as Logger;
    childInfo.push(jest.spyOn(c, "info"));
    return c;
  }) as unknown as typeof log.child);

  const { session: mallory } = await t.connectUser("Mallory");
  const { socket: bob } = await t.connectUser("Bob");
  okData(await emitAck(bob, "room:join", { room: "lobby" }));
  // Below the old per-socket cut-off (5 × 40 = 200 refusals) on every socket; far above it for the user.
  expect(60).toBeLessThan(5 * t.config.rateLimit.burst);

  let chat: ReturnType<typeof legitLoop> | undefined;
  const report = await runFlood(
    {
      url: t.url,
      nsp: "/chat",
      tokens: [mallory.token],
      sockets: SOCKETS,
      setup: [{ event: "room:join", payload: { room: "lobby" } }],
      event: "message:send",
      payload: { room: "lobby", text: "flood" },
      ack: true,
      count: 60,
      durationMs: 5000,
    },
    () => (chat = legitLoop(bob, "message:send", (i) => ({ room: "lobby", text: `bob ${i}` }), 60)),
  );
  const bobResult = await chat!.stop();

  // The user's budget held: what was stored is within 40 + 20/s (room:joins took 15 points).
  const { perSecond, burst } = t.config.rateLimit;
  expect(report.ok).toBeLessThanOrEqual(burst + perSecond * Math.ceil(report.elapsedMs / 1000));
  expect(report.otherCodes).toEqual({});
  // Cut off as a user: the sockets still sending after 200 refusals of the user went.
  expect(report.closedByServer).toBeGreaterThanOrEqual(SOCKETS / 2);
  const cutLines = warn.mock.calls.filter(([, msg]) => msg === "disconnecting a flooding client");
  expect(cutLines).toHaveLength(1);
  expect(cutLines[0]![0]).toMatchObject({ user: `user:${mallory.user.id}`, event: "message:send" });

  // Hundreds of refusals, a line or two (the first at once; the window's count comes later).
  const refusalLines = childInfo
    .flatMap((s) => s.mock.calls)
    .filter(([fields, msg]) => msg === "event rejected" && (fields as { user?: string }).user === mallory.user.id);
  expect(report.rateLimited).toBeGreaterThan(100);
  expect(refusalLines.length).toBeGreaterThanOrEqual(1);
  expect(refusalLines.length).toBeLessThanOrEqual(2);
  expect(refusalLines[0]![0]).toMatchObject({ event: "message:send", code: "RATE_LIMITED", count: 1 });

  expect(bobResult.failures).toEqual([]);
  expect(percentile(bobResult.latencies, 99)).toBeLessThan(1000);
  if (process.env.REPORT)
    console.log(
      `user flood: ${report.sent} sent over ${SOCKETS} sockets, ok ${report.ok}, RATE_LIMITED ${report.rateLimited}, cut ${report.closedByServer}; bob p99 ${percentile(bobResult.latencies, 99).toFixed(1)} ms`,
    );
});
