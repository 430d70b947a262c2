/**
 * Per-user event limits: the numbers of the model (rate-limiter-flexible on a
 * controlled clock) and the behaviour over live sockets.
 */
import { BURST_REFILL_SECONDS, createEventRateLimiter, type RateDecision } from "../../server/security/rate-limit";
import { emitAck, okData, openSocket, setup, type ChatSocket, type TestServer } from "../helpers";
import { sleep } from "./support";

describe("the limiter's numbers (defaults 20/s, burst 40)", () => {
  // Only the clock is faked; the limiter is the real rate-limiter-flexible memory store.
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000, doNotFake: ["nextTick", "queueMicrotask", "setImmediate"] }));
  afterEach(() => jest.useRealTimers());

  const limits = { rateLimit: { perSecond: 20, burst: 40 } };

  test("an idle user may send 40 at once; the 41st is refused with a retryAfterMs that is honoured", async () => {
    const limiter = createEventRateLimiter(limits);
    const decisions: RateDecision[] = [];
    for (let i = 0; i < 41; i++) decisions.push(await limiter.consume("u"));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(40);
    const refused = decisions[40]!;
    expect(refused.allowed).toBe(false);
    const wait = (refused as { retryAfterMs: number }).retryAfterMs;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(1000);
    jest.advanceTimersByTime(wait - 1);
    expect((await limiter.consume("u")).allowed).toBe(false);
    jest.advanceTimersByTime(1);
    expect((await limiter.consume("u")).allowed).toBe(true);
  });

  test("a client trying 100/s for 12 s gets 40, then 20 per second; at most 60 in any second; within the token bucket until the burst pool refills", async () => {
    const limiter = createEventRateLimiter(limits);
    const allowedAt: number[] = [];
    for (let ms = 0; ms < 12_000; ms += 10) {
      if ((await limiter.consume("u")).allowed) allowedAt.push(ms);
      jest.advanceTimersByTime(10);
    }
    const perSecond = Array.from({ length: 12 }, (_, s) => allowedAt.filter((ms) => Math.floor(ms / 1000) === s).length);
    expect(perSecond.slice(0, BURST_REFILL_SECONDS)).toEqual([40, 20, 20, 20, 20, 20, 20, 20, 20, 20]);
    // Token bucket (40 + 20 t) holds for every t up to the burst refill.
    for (let s = 1; s <= BURST_REFILL_SECONDS; s++) expect(allowedAt.filter((ms) => ms < s * 1000).length).toBeLessThanOrEqual(40 + 20 * s);
    // Any sliding 1-s window: at most 2 × 20 + 20.
    for (const start of allowedAt) expect(allowedAt.filter((ms) => ms >= start && ms < start + 1000).length).toBeLessThanOrEqual(60);
    // The long-run ceiling of the model: 20/s + 20 per 10 s.
    expect(allowedAt.length).toBeLessThanOrEqual(40 + 22 * 12);
  });

  test("users do not share a budget", async () => {
    const limiter = createEventRateLimiter(limits);
    for (let i = 0; i < 40; i++) await limiter.consume("a");
    expect((await limiter.consume("a")).allowed).toBe(false);
    expect((await limiter.consume("b")).allowed).toBe(true);
  });
});

describe("over live sockets", () => {
  let t: TestServer;
  beforeEach(async () => (t = await setup()));
  afterEach(() => t.cleanup());

  const joined = async (name: string, room = "lobby") => {
    const user = await t.connectUser(name);
    okData(await emitAck(user.socket, "room:join", { room }));
    return user;
  };
  const sendMany = (socket: ChatSocket, n: number) =>
    Promise.all(Array.from({ length: n }, (_, i) => emitAck(socket, "message:send", { room: "lobby", text: `m${i}` })));

  test("the 41st event of a burst is RATE_LIMITED with retryAfterMs, not processed; after the wait the user may send again", async () => {
    const { socket } = await joined("Ada"); // room:join is the first of the 40
    const acks = await sendMany(socket, 60);
    expect(acks.filter((a) => a.ok)).toHaveLength(39);
    const refused = acks.filter((a) => !a.ok);
    expect(refused).toHaveLength(21);
    for (const a of refused)
      expect(a).toEqual({
        ok: false,
        error: { code: "RATE_LIMITED", message: expect.any(String), details: { retryAfterMs: expect.any(Number) } },
      });
    const history = okData(await emitAck((await joined("Bob")).socket, "message:history", { room: "lobby", limit: 100 }));
    expect(history.messages).toHaveLength(39);

    const wait = Math.max(...refused.map((a) => (a.ok ? 0 : (a.error.details as { retryAfterMs: number }).retryAfterMs)));
    expect(wait).toBeLessThanOrEqual(1000);
    await sleep(wait + 20);
    expect((await emitAck(socket, "message:send", { room: "lobby", text: "later" })).ok).toBe(true);
  });

  test("the budget is per user: a second tab shares it, another user does not", async () => {
    const { socket, session } = await joined("Ada");
    const tab = await t.connectChat(session.token);
    await sendMany(socket, 39);
    expect(await emitAck(tab, "room:list", {})).toMatchObject({ ok: false, error: { code: "RATE_LIMITED" } });
    const { socket: bob } = await joined("Bob");
    expect((await emitAck(bob, "message:send", { room: "lobby", text: "hi" })).ok).toBe(true);
  });

  test("/game has its own budget; game:input is exempt (the game caps it at 60/s itself)", async () => {
    const { socket: chat, session } = await joined("Ada");
    await sendMany(chat, 45); // chat budget spent
    const game = await openSocket(`${t.url}/game`, { auth: { token: session.token } });
    try {
      for (let i = 0; i < 200; i++) game.emit("game:input", { seq: i, dir: { x: 1, y: 0 } });
      const lists = await Promise.all(Array.from({ length: 41 }, () => emitAck(game, "game:list", {})));
      expect(lists.filter((a) => a.ok)).toHaveLength(40);
      expect(lists[40]).toMatchObject({ ok: false, error: { code: "RATE_LIMITED" } });
    } finally {
      game.close();
    }
  });

  test("unknown event names, refused or not, never become metric labels (no unbounded series)", async () => {
    const { socket } = await joined("Ada");
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => emitAck(socket, `probe-${i}-zz`, {})));
    expect(new Set(answers.map((a) => (a.ok ? "ok" : a.error.code)))).toEqual(new Set(["UNKNOWN_EVENT", "RATE_LIMITED"]));
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).not.toContain("probe-");
  });

  test("typing (no ack), invalid payloads and unknown events count too; /system health has its own budget", async () => {
    const { socket } = await joined("Ada");
    for (let i = 0; i < 20; i++) socket.emit("typing", { room: "lobby", typing: i % 2 === 0 });
    for (let i = 0; i < 10; i++)
      expect(await emitAck(socket, "message:send", { room: "lobby" })).toMatchObject({ error: { code: "BAD_REQUEST" } });
    for (let i = 0; i < 9; i++) expect(await emitAck(socket, "no:such", {})).toMatchObject({ error: { code: "UNKNOWN_EVENT" } });
    expect(await emitAck(socket, "no:such", {})).toMatchObject({ error: { code: "RATE_LIMITED" } });

    // /system is budgeted per connection (and address), not by the chat user's spent budget.
    const system = await t.connectSystem();
    const { burst } = t.config.limits.system.perConnection;
    const health = await Promise.all(Array.from({ length: burst }, () => emitAck(system, "system:healthcheck")));
    expect(health.every((a) => a.ok)).toBe(true);
  });
});
