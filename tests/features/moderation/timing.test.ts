/**
 * Slow mode and timed actions (short durations), and persistence: owner,
 * moderators, topic, mutes, bans and the log survive a restart on the same
 * database file.
 */
import { createParlor } from "../../../server/app";
import { emitAck, okData, openSocket, type ChatSocket, type TestServer } from "../../helpers";
import { mint } from "../../auth/support";
import { codeOf, joined, setupModeration } from "./support";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("slow mode and timed actions", () => {
  let t: TestServer;
  let owner: ChatSocket, ann: ChatSocket, gmod: ChatSocket;
  beforeAll(async () => {
    t = await setupModeration();
    owner = await joined(t, "owner", "slow");
    ann = await joined(t, "ann", "slow");
    gmod = await joined(t, "gmod", "slow", ["moderator"]);
  });
  afterAll(() => t.cleanup());

  test("slow mode: RATE_LIMITED with retryAfterMs and nothing stored; a clientId retry still returns the message; moderators are spared", async () => {
    okData(await emitAck(owner, "room:update", { room: "slow", slowModeMs: 400 }));
    const first = okData(await emitAck(ann, "message:send", { room: "slow", text: "one", clientId: "c1" })).message;
    const refused = await emitAck(ann, "message:send", { room: "slow", text: "two" });
    expect(refused).toMatchObject({ ok: false, error: { code: "RATE_LIMITED" } });
    const wait = (refused as { error: { details: { retryAfterMs: number } } }).error.details.retryAfterMs;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(400);
    expect(okData(await emitAck(ann, "message:send", { room: "slow", text: "one", clientId: "c1" })).message).toEqual(first);
    for (const s of [owner, owner, gmod, gmod]) okData(await emitAck(s, "message:send", { room: "slow", text: "spared" }));
    await sleep(wait + 20);
    const second = okData(await emitAck(ann, "message:send", { room: "slow", text: "two" })).message;
    expect(second.seq).toBe(first.seq + 5);
    okData(await emitAck(owner, "room:update", { room: "slow", slowModeMs: 0 }));
  });

  test("a timed mute ends by itself, and a timed ban too", async () => {
    const { action } = okData(await emitAck(gmod, "mod:mute", { room: "slow", user: "ann", durationMs: 300 }));
    const muted = await emitAck(ann, "message:send", { room: "slow", text: "x" });
    expect(muted).toMatchObject({ ok: false, error: { code: "FORBIDDEN", details: { reason: "muted", until: action.until } } });
    await sleep(action.until - Date.now() + 20);
    okData(await emitAck(ann, "message:send", { room: "slow", text: "free" }));

    const ban = okData(await emitAck(gmod, "mod:ban", { room: "slow", user: "ann", durationMs: 300 })).action;
    expect(await codeOf(emitAck(ann, "room:join", { room: "slow" }))).toBe("FORBIDDEN");
    await sleep(ban.until - Date.now() + 20);
    okData(await emitAck(ann, "room:join", { room: "slow" }));
  });
});

test("owner, moderators, topic, slow mode, an open-ended ban and mute and the log survive a restart on the same file", async () => {
  const t = await setupModeration();
  const owner = await joined(t, "owner", "keep");
  await joined(t, "mod", "keep");
  await joined(t, "ann", "keep");
  await joined(t, "bob", "keep");
  okData(await emitAck(owner, "mod:promote", { room: "keep", user: "mod" }));
  okData(await emitAck(owner, "room:update", { room: "keep", topic: "kept", slowModeMs: 5000 }));
  okData(await emitAck(owner, "mod:ban", { room: "keep", user: "ann" }));
  okData(await emitAck(owner, "mod:mute", { room: "keep", user: "bob" }));
  const config = t.config;
  await t.cleanup();

  const again = await createParlor(config);
  const port = await again.listen(0, "127.0.0.1");
  const connect = async (id: string) =>
    openSocket<ChatSocket>(`http://127.0.0.1:${port}/chat`, { auth: { token: await mint({ sub: id, name: id }) } });
  const sockets: ChatSocket[] = [];
  try {
    const ann = await connect("ann");
    const bob = await connect("bob");
    const late = await connect("late");
    sockets.push(ann, bob, late);
    expect(await emitAck(ann, "room:join", { room: "keep" })).toMatchObject({
      ok: false,
      error: { details: { reason: "banned", until: null } },
    });
    const { info } = okData(await emitAck(bob, "room:join", { room: "keep" }));
    expect(info).toMatchObject({ owner: { id: "owner" }, moderators: [{ id: "mod" }], topic: "kept", slowModeMs: 5000 });
    expect(okData(await emitAck(late, "room:join", { room: "keep" })).info.owner).toMatchObject({ id: "owner" });
    expect(await emitAck(bob, "message:send", { room: "keep", text: "x" })).toMatchObject({
      ok: false,
      error: { details: { reason: "muted" } },
    });
    const mod = await connect("mod");
    sockets.push(mod);
    const log = okData(await emitAck(mod, "mod:log", { room: "keep" }));
    expect(log.entries.map((e: { action: string }) => e.action)).toEqual(["mute", "ban", "update", "promote"]);
  } finally {
    sockets.forEach((s) => s.close());
    await again.close();
  }
});
