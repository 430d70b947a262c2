/**
 * Slow consumers: sockets that join a room and stop reading (while still
 * sending pongs, so the heartbeat thinks them alive) are cut off once their
 * unsent bytes pass PARLOR_MAX_BUFFERED_BYTES, all at once without stalling
 * the event loop, and a normal member keeps getting acks and messages fast.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createSession, emitAck, okData, setup, UNLIMITED_EVENTS, waitFor, type TestServer } from "../helpers";
import { rawChatMember, type RawWebSocket } from "./support/transport-raw";

const SLOW = 12;
const LIMIT = 256 * 1024;
let t: TestServer;
const raws: RawWebSocket[] = [];

beforeAll(async () => (t = await setup({ ...UNLIMITED_EVENTS, maxBufferedBytes: LIMIT })));
afterAll(async () => {
  for (const r of raws) r.close();
  await t.cleanup();
});

test("non-reading sockets are disconnected past the limit; a normal member keeps fast acks", async () => {
  const sender = await t.connectUser("sender");
  const reader = await t.connectUser("reader");
  for (const s of [sender, reader]) okData(await emitAck(s.socket, "room:join", { room: "flood" }));
  for (let i = 0; i < SLOW; i++) {
    const { token } = await createSession(t.url, `stuck${i}`);
    const raw = await rawChatMember(t.url, token, "flood");
    raw.stopReading();
    // Pongs without reading: the heartbeat alone would keep these "alive" forever.
    const pong = setInterval(() => raw.send("3"), 200);
    raw.socket.once("close", () => clearInterval(pong));
    raws.push(raw);
  }
  expect(t.parlor.io.engine.clientsCount).toBe(SLOW + 2);

  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let received = 0;
  reader.socket.on("message:new", () => received++);
  const text = "x".repeat(1990);
  const ackMs: number[] = [];
  let sent = 0;
  // Until every stuck socket is cut off (bounded: a few MB of kernel buffers per socket at most).
  const deadline = Date.now() + 20_000;
  while (t.parlor.io.engine.clientsCount > 2 && Date.now() < deadline) {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        emitAck(sender.socket, "message:send", { room: "flood", text: `${sent + i} ${text}` }).then(okData),
      ),
    );
    ackMs.push(performance.now() - started);
    sent += 20;
  }
  delay.disable();
  expect(t.parlor.io.engine.clientsCount).toBe(2);
  // A burst of 20 acked sends stays fast while the stuck sockets are found and dropped.
  expect(Math.max(...ackMs)).toBeLessThan(1000);
  expect(delay.max / 1e6).toBeLessThan(500);
  // The reader saw everything (it catches up quickly once the last send is acked).
  okData(await emitAck(sender.socket, "message:send", { room: "flood", text: "last" }));
  await waitFor(reader.socket, "message:new").catch(() => undefined);
  expect(received).toBeGreaterThanOrEqual(sent);
  // And from the stuck client's side: once it reads again, it finds its connection closed.
  await Promise.all(raws.map((r) => r.resumeUntilClosed(5000)));
  console.log({ sent, maxBurstAckMs: Math.round(Math.max(...ackMs)), loopDelayMaxMs: Math.round(delay.max / 1e6) });
}, 40_000);
