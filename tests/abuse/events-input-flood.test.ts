/**
 * `game:input` floods (128k events/s from two sockets) used to be parsed and
 * validated before being dropped, and never cut off. Now each connection's
 * inputs are counted before validation, the excess dropped, and a user who
 * keeps sending far above the cap is disconnected. Another player keeps
 * playing (inputs applied, deltas on time) and a chat user is served.
 */
import type { GameDelta } from "../../server/protocol";
import { emitAck, okData, setup, waitFor, type TestServer } from "../helpers";
import { runFlood } from "./support/event-flooder";
import { legitLoop, percentile } from "./support/legit";

let t: TestServer;
beforeAll(async () => (t = await setup()));
afterAll(() => t.cleanup());

test("an input flood from two seated sockets is dropped before validation and cut off; another player and a chat user are served", async () => {
  const warn = jest.spyOn(t.parlor.log, "warn");
  const { session: attacker } = await t.connectPlayer("Mallory");
  const { socket: ada } = await t.connectPlayer("Ada");
  const game = okData(await emitAck(ada, "game:quickplay", {}));
  const { socket: bob } = await t.connectUser("Bob");
  okData(await emitAck(bob, "room:join", { room: "lobby" }));

  let chat: ReturnType<typeof legitLoop> | undefined;
  const report = await runFlood(
    {
      url: t.url,
      nsp: "/game",
      tokens: [attacker.token],
      sockets: 2,
      setup: [{ event: "game:join", payload: { gameId: game.game.id } }],
      event: "game:input",
      payload: { dir: { x: 1, y: 0 } },
      indexField: "seq",
      ack: false,
      durationMs: 2000,
    },
    () => (chat = legitLoop(bob, "message:send", (i) => ({ room: "lobby", text: `bob ${i}` }), 60)),
  );
  const bobResult = await chat!.stop();

  // Both sockets cut off, one line for the user (not one per socket or per input).
  expect(report.closedByServer).toBe(2);
  const cutLines = warn.mock.calls.filter(([, msg]) => msg === "disconnecting a flooding client");
  expect(cutLines).toHaveLength(1);
  expect(cutLines[0]![0]).toMatchObject({ user: `user:${attacker.user.id}`, event: "game:input" });

  // Ada still plays: her input is applied (ackSeq) within a few ticks.
  ada.emit("game:input", { seq: 1, dir: { x: 0, y: 1 } });
  const applied = await new Promise<GameDelta>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("Ada's input was never applied")), 2000);
    const onDelta = (d: GameDelta) => d.ackSeq === 1 && (clearTimeout(timer), ada.off("game:delta", onDelta), resolve(d));
    ada.on("game:delta", onDelta);
  });
  expect(applied.ackSeq).toBe(1);

  expect(bobResult.failures).toEqual([]);
  expect(percentile(bobResult.latencies, 99)).toBeLessThan(1000);
  if (process.env.REPORT)
    console.log(
      `input flood: sent ${report.sent} in ${report.elapsedMs} ms; cut after ${report.closedAfterMs.join("/")} ms; bob p99 ${percentile(bobResult.latencies, 99).toFixed(1)} ms`,
    );
});

test("inputs within the budget are never dropped by it, and an excess with an ack answers RATE_LIMITED", async () => {
  const { socket } = await t.connectPlayer("Eve");
  okData(await emitAck(socket, "game:quickplay", {}));
  const { burst } = t.config.limits.gameInput;
  // With acks, so the test sees each decision: the burst passes; what follows at once does not,
  // and is counted before validation: malformed inputs over the budget answer RATE_LIMITED, not BAD_REQUEST.
  // (A token comes back every 1000/perSecond ms, so on a slow machine one of the five may get through.)
  const valid = Array.from({ length: burst }, (_, i) => emitAck(socket, "game:input", { seq: i + 1, dir: { x: 1, y: 0 } }));
  const malformed = Array.from({ length: 5 }, () => emitAck(socket, "game:input", { nonsense: true }));
  const acks = await Promise.all(valid);
  const over = await Promise.all(malformed);
  expect(acks.every((a) => a.ok)).toBe(true);
  const codes = over.map((a) => (a.ok ? "ok" : a.error.code));
  expect(codes.filter((c) => c === "RATE_LIMITED").length).toBeGreaterThanOrEqual(3);
  expect(codes.every((c) => c === "RATE_LIMITED" || c === "BAD_REQUEST")).toBe(true);
  expect(over.find((a) => !a.ok && a.error.code === "RATE_LIMITED")).toMatchObject({
    error: { details: { retryAfterMs: expect.any(Number) } },
  });
  expect(socket.connected).toBe(true);
  await waitFor(socket, "game:delta");
});
