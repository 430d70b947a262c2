/**
 * A flood: one client sends 1,000 `message:send` as fast as it can. Every
 * emit is accounted for (an ack or the disconnect), the store holds only what
 * the bucket allowed, another user in the room keeps getting quick acks, and
 * the server stays up. Set REPORT=1 to print the figures.
 */
import { emitAck, okData, setup, type TestServer } from "../helpers";
import { countAckPackets, emitRecorded, sleep, type EmitRecord } from "./support";

const FLOOD = 1000;

let t: TestServer;
beforeAll(async () => (t = await setup()));
afterAll(() => t.cleanup());

test("1,000 message:send as fast as possible: RATE_LIMITED, then cut off; the store holds only the allowance; another user is unaffected", async () => {
  const { perSecond, burst } = t.config.rateLimit;
  const warn = jest.spyOn(t.parlor.log, "warn");
  const { socket: flooder, session: ada } = await t.connectUser("Flooder");
  const { socket: bob, session: bobSession } = await t.connectUser("Bob");
  okData(await emitAck(flooder, "room:join", { room: "lobby" }));
  okData(await emitAck(bob, "room:join", { room: "lobby" }));
  const acksOnWire = countAckPackets(flooder, "/chat");
  const disconnected = new Promise<string>((resolve) => flooder.once("disconnect", resolve));

  // Bob sends at his own sustainable pace (one per 50 ms) during the whole flood.
  let flooding = true;
  const bobLatencies: number[] = [];
  const bobFailures: unknown[] = [];
  const bobLoop = (async () => {
    for (let i = 0; flooding || i < 5; i++) {
      const started = performance.now();
      const ack = await emitAck(bob, "message:send", { room: "lobby", text: `bob ${i}` });
      bobLatencies.push(performance.now() - started);
      if (!ack.ok) bobFailures.push(ack);
      await sleep(50);
    }
  })();

  const started = performance.now();
  const records: Promise<EmitRecord>[] = [];
  for (let i = 0; i < FLOOD; i++) records.push(emitRecorded(flooder, 10_000, "message:send", { room: "lobby", text: `flood ${i}` }));
  const results = await Promise.all(records);
  const elapsedMs = performance.now() - started;
  flooding = false;
  await bobLoop;
  await sleep(100); // a duplicate ack would arrive by now
  acksOnWire.stop();

  const ok = results.filter((r) => (r.answer as { ok?: boolean } | undefined)?.ok === true).length;
  const limited = results.filter((r) => (r.answer as { error?: { code: string } } | undefined)?.error?.code === "RATE_LIMITED").length;
  const cutOff = results.filter((r) => r.error?.message === "socket has been disconnected").length;
  // Every emit ended exactly one way, and nothing else happened (no INTERNAL, no timeout).
  expect(ok + limited + cutOff).toBe(FLOOD);
  expect(ok).toBeGreaterThan(0);
  expect(limited).toBeGreaterThan(0);
  // On the wire: one ack packet per answered emit, no id twice.
  expect(acksOnWire.total()).toBe(ok + limited);
  expect([...acksOnWire.counts.values()].every((n) => n === 1)).toBe(true);

  // Cut off for flooding, with the reason logged once.
  expect(await disconnected).toBe("io server disconnect");
  const floodLogs = warn.mock.calls.filter(([, msg]) => msg === "disconnecting a flooding client");
  expect(floodLogs).toHaveLength(1);
  expect(floodLogs[0]![0]).toMatchObject({ user: `user:${ada.user.id}`, event: "message:send" });

  // Stored: exactly the acknowledged messages, within the bucket (room:join took one point).
  const history = okData(await emitAck(bob, "message:history", { room: "lobby", limit: 100 }));
  const stored = history.messages.filter((m: { user: { id: string } }) => m.user.id === ada.user.id).length;
  expect(stored).toBe(ok);
  expect(ok + 1).toBeLessThanOrEqual(burst + perSecond * Math.floor(elapsedMs / 1000));

  // Bob: every ack ok, and quick.
  expect(bobFailures).toEqual([]);
  expect(bobLatencies.length).toBeGreaterThanOrEqual(5);
  const sorted = [...bobLatencies].sort((a, b) => a - b);
  // Generous: client and server share one event loop here, and the flood is decoded in one go.
  expect(sorted[sorted.length - 1]).toBeLessThan(2000);
  expect(history.messages.filter((m: { user: { id: string } }) => m.user.id === bobSession.user.id).length).toBe(bobLatencies.length);

  // The server is up: a new user connects and chats; health answers.
  const { socket: carol } = await t.connectUser("Carol");
  okData(await emitAck(carol, "room:join", { room: "lobby" }));
  expect(okData(await emitAck(carol, "message:send", { room: "lobby", text: "still here" })).message.text).toBe("still here");
  expect(okData(await emitAck(await t.connectSystem(), "system:healthcheck"))).toEqual({ status: "healthy" });

  if (process.env.REPORT) {
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(
      `flood: ${FLOOD} sent in ${elapsedMs.toFixed(0)} ms; ok ${ok}, RATE_LIMITED ${limited}, cut off ${cutOff}; stored ${stored}; ` +
        `bob ${bobLatencies.length} acks, median ${median.toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms`,
    );
  }
});
